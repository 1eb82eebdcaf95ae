import { z } from "zod";

export const roleSchema = z.enum(["admin", "marketer"]);

export const createUserSchema = z.object({
  email: z.email("must be an e-mail address").trim().toLowerCase().max(320),
  name: z.string().trim().max(100, "must be at most 100 characters").optional().transform((v) => v || null),
  role: roleSchema,
  password: z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters"),
});

export const changeRoleSchema = z.object({ userId: z.string().min(1), role: roleSchema });
export const setDisabledSchema = z.object({ userId: z.string().min(1), disabled: z.boolean() });
