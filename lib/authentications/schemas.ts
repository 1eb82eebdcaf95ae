import { z } from "zod";

// Names are shown in lists and typed into workflows (`result_connection: NAME`): 1–100
// characters after trimming, no control characters.
export const authenticationNameSchema = z
  .string({ error: "is required" })
  .trim()
  .min(1, "is required")
  .max(100, "must be at most 100 characters")
  // eslint-disable-next-line no-control-regex
  .refine((name) => !/[\u0000-\u001f\u007f]/.test(name), "must not contain control characters");

export const authenticationIdSchema = z.coerce.number({ error: "must be a number" }).int().positive();

export const completeConnectionSchema = z.object({ pendingId: z.string().min(1).max(64), name: authenticationNameSchema });
export const completeReconnectSchema = z.object({ pendingId: z.string().min(1).max(64) });
export const renameAuthenticationSchema = z.object({ id: authenticationIdSchema, name: authenticationNameSchema });
export const deleteAuthenticationSchema = z.object({ id: authenticationIdSchema });

export interface AdAccountSummary {
  id: number;
  name: string;
  memberType: string;
}
