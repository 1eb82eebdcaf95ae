export function Alert({ kind, children }: { kind: "error" | "success" | "info"; children: React.ReactNode }) {
  const style = { error: "border-red-300 bg-red-50 text-red-800", success: "border-green-300 bg-green-50 text-green-800", info: "border-slate-300 bg-white text-slate-700" }[kind];
  return (
    <div role={kind === "error" ? "alert" : "status"} className={`rounded-md border px-3 py-2 text-sm ${style}`}>
      {children}
    </div>
  );
}
