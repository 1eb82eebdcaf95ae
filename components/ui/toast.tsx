"use client";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState } from "react";
import { useTranslations } from "next-intl";

/**
 * Toasts: a short note that an action finished ("Deleted “x”.", "Started job 42."), announced to
 * screen readers (a polite live region that is always in the page) and kept across client-side
 * navigation, so an action that leaves the page still says what it did. Each toast stays 6 s,
 * longer while hovered or focused, and has a close button. Errors stay inline, beside their fields.
 */
export interface Toast {
  id: number;
  kind: "success" | "info";
  message: string;
}

const ToastContext = createContext<(message: string, kind?: Toast["kind"]) => void>(() => {});

export function useToast() {
  return useContext(ToastContext);
}

export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const show = useCallback((message: string, kind: Toast["kind"] = "success") => {
    const id = next.current++;
    setToasts((list) => [...list.slice(-2), { id, kind, message }]);
  }, []);
  const value = useMemo(() => show, [show]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <ToastRegion toasts={toasts} dismiss={dismiss} />
    </ToastContext.Provider>
  );
}

function ToastRegion({ toasts, dismiss }: { toasts: Toast[]; dismiss: (id: number) => void }) {
  const t = useTranslations("toast");
  return (
    <section aria-label={t("regionLabel")} className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 flex-col gap-2">
      {/* A live region without role=status, so pages keep exactly one status of their own. */}
      <ul aria-live="polite" aria-relevant="additions text" className="flex flex-col gap-2">
        {toasts.map((toast) => (
          <ToastItem key={toast.id} toast={toast} dismiss={dismiss} closeLabel={t("dismiss")} />
        ))}
      </ul>
    </section>
  );
}

function ToastItem({ toast, dismiss, closeLabel }: { toast: Toast; dismiss: (id: number) => void; closeLabel: string }) {
  const [held, setHeld] = useState(false);
  useEffect(() => {
    if (held) return;
    const timer = setTimeout(() => dismiss(toast.id), 6_000);
    return () => clearTimeout(timer);
  }, [held, dismiss, toast.id]);
  return (
    <li
      data-testid="toast"
      onMouseEnter={() => setHeld(true)}
      onMouseLeave={() => setHeld(false)}
      onFocus={() => setHeld(true)}
      onBlur={() => setHeld(false)}
      className={`pointer-events-auto flex items-start gap-2 rounded-md border px-3 py-2 text-sm shadow-md ${toast.kind === "success" ? "border-green-700 bg-green-50 text-green-900" : "border-slate-400 bg-white text-slate-900"}`}
    >
      <span aria-hidden className="font-bold">
        {toast.kind === "success" ? "✓" : "•"}
      </span>
      <p className="flex-1">{toast.message}</p>
      <button type="button" onClick={() => dismiss(toast.id)} aria-label={closeLabel} className="rounded px-1 text-slate-700 hover:bg-black/5">
        ×
      </button>
    </li>
  );
}
