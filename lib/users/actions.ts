"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { changeRoleSchema, createUserSchema, setDisabledSchema } from "@/lib/users/schemas";
import { changeRole, createUser, setDisabled } from "@/lib/users/users";

export const createUserAction = defineAction(
  { schema: createUserSchema, role: "admin" },
  async (input) => {
    const user = await createUser(input);
    revalidatePath("/admin/users");
    return user;
  },
  (input, user) => ({ action: "user.create", targetType: "user", targetId: user.id, details: { email: input.email, role: input.role } }),
);

export const changeRoleAction = defineAction(
  { schema: changeRoleSchema, role: "admin" },
  async (input, actor) => {
    const user = await changeRole(actor.id, input.userId, input.role);
    revalidatePath("/admin/users");
    return user;
  },
  (input) => ({ action: "user.change_role", targetType: "user", targetId: input.userId, details: { role: input.role } }),
);

export const setDisabledAction = defineAction(
  { schema: setDisabledSchema, role: "admin" },
  async (input, actor) => {
    const user = await setDisabled(actor.id, input.userId, input.disabled);
    revalidatePath("/admin/users");
    return user;
  },
  (input) => ({ action: input.disabled ? "user.disable" : "user.enable", targetType: "user", targetId: input.userId }),
);
