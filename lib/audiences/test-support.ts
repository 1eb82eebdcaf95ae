import { AppError } from "@/lib/errors";

/** The AppError a call throws (anything else fails the test). */
export function thrownAppError(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}
