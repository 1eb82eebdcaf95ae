"use client";
import { useState, useTransition } from "react";
import { useRouter } from "next/navigation";
import type { ErrorValue, Result } from "@/lib/errors";

/**
 * Calling a server action from a component: pending state, the error value to show (with field
 * errors), a success notice, and a refresh of the server-rendered page after success.
 */
export function useAction() {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<ErrorValue | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  function run<T>(call: () => Promise<Result<T>>, success: (data: T) => string, after?: (data: T) => void) {
    setError(null);
    setNotice(null);
    start(async () => {
      const result = await call();
      if (!result.ok) return setError(result.error);
      setNotice(success(result.data));
      after?.(result.data);
      router.refresh();
    });
  }
  return { pending, error, notice, run };
}
