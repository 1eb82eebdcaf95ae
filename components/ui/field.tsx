import { useId, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes } from "react";

const CONTROL = "mt-1 block w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm aria-[invalid=true]:border-red-600";

/** A label above a control and, when there is one, its error message tied to it (aria-describedby). */
function Labelled({ label, error, render }: { label: string; error?: string; render: (control: { id: string; "aria-invalid"?: true; "aria-describedby"?: string; className: string }) => ReactNode }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-700">
        {label}
      </label>
      {render({ id, "aria-invalid": error ? true : undefined, "aria-describedby": error ? `${id}-error` : undefined, className: CONTROL })}
      {error ? (
        <p id={`${id}-error`} className="mt-1 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ label, error, className, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string }) {
  return <Labelled label={label} error={error} render={(control) => <input {...control} className={`${control.className} ${className ?? ""}`} {...props} />} />;
}

export function SelectField({ label, error, children, ...props }: SelectHTMLAttributes<HTMLSelectElement> & { label: string; error?: string }) {
  return (
    <Labelled
      label={label}
      error={error}
      render={(control) => (
        <select {...control} {...props}>
          {children}
        </select>
      )}
    />
  );
}
