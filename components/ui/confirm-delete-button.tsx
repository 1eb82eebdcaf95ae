"use client";
import type { Result } from "@/lib/errors";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Alert } from "@/components/ui/alert";

/** A delete button that asks first and shows the refusal, if any, beside it; `after` runs on success (e.g. leave the page). */
export function ConfirmDeleteButton({ text, label, confirmText, call, done, after }: { text: string; label: string; confirmText: string; call: () => Promise<Result<unknown>>; done: string; after?: () => void }) {
  const { pending, error, run } = useAction({ toast: true });
  return (
    <>
      <Button variant="danger" disabled={pending} aria-label={label} onClick={() => window.confirm(confirmText) && run(call, () => done, after)}>
        {text}
      </Button>
      {error ? <Alert kind="error">{error.message}</Alert> : null}
    </>
  );
}
