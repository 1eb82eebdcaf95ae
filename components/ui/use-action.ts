"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ErrorValue, Result } from "@/lib/errors";
import { useToast } from "@/components/ui/toast";

/**
 * Calling a server action from a component: pending state, the error value to show (with field
 * errors), a success notice, and a refresh of the server-rendered page after success.
 * With `{ toast: true }` the success notice is a toast instead (components/ui/toast.tsx) — for
 * actions whose component shows no notice of its own, or that leave the page.
 */
export function useAction(options: { toast?: boolean } = {}) {
  const router = useRouter();
  const toast = useToast();
  const [pending, start] = useTransition();
  const [error, setError] = useState<ErrorValue | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  function run<T>(call: () => Promise<Result<T>>, success: (data: T) => string, after?: (data: T) => void) {
    setError(null);
    setNotice(null);
    start(async () => {
      const result = await call();
      if (!result.ok) return setError(result.error);
      if (options.toast) toast(success(result.data));
      else setNotice(success(result.data));
      after?.(result.data);
      router.refresh();
    });
  }
  return { pending, error, notice, run };
}
