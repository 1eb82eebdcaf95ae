"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { completeConnectionSchema, completeReconnectSchema, deleteAuthenticationSchema, renameAuthenticationSchema } from "@/lib/authentications/schemas";
import { completeConnection, completeReconnect } from "@/lib/authentications/connect";
import { deleteAuthentication, renameAuthentication } from "@/lib/authentications/authentications";
import { kakaoDoctorSchema, runKakaoDoctor } from "@/lib/authentications/doctor";

const refresh = () => {
  revalidatePath("/integrations/authentications");
  revalidatePath("/integrations/catalog/kakao-moment");
};

export const completeConnectionAction = defineAction(
  { schema: completeConnectionSchema },
  async (input, user) => {
    const created = await completeConnection(user, input.pendingId, input.name);
    refresh();
    return { id: created.id, name: created.name };
  },
  (_input, created) => ({ action: "authentication.create", targetType: "authentication", targetId: String(created.id), details: { name: created.name } }),
);

export const completeReconnectAction = defineAction(
  { schema: completeReconnectSchema },
  async (input, user) => {
    const updated = await completeReconnect(user, input.pendingId);
    refresh();
    return { id: updated.id, name: updated.name };
  },
  (_input, updated) => ({ action: "authentication.reconnect", targetType: "authentication", targetId: String(updated.id), details: { name: updated.name } }),
);

export const renameAuthenticationAction = defineAction(
  { schema: renameAuthenticationSchema },
  async (input, user) => {
    const renamed = await renameAuthentication(user, input.id, input.name);
    refresh();
    return { id: renamed.id, name: renamed.name };
  },
  (input) => ({ action: "authentication.rename", targetType: "authentication", targetId: String(input.id), details: { name: input.name } }),
);

export const deleteAuthenticationAction = defineAction(
  { schema: deleteAuthenticationSchema },
  async (input, user) => {
    const deleted = await deleteAuthentication(user, input.id);
    refresh();
    return { id: deleted.id, name: deleted.name };
  },
  (_input, deleted) => ({ action: "authentication.delete", targetType: "authentication", targetId: String(deleted.id), details: { name: deleted.name } }),
);

/** Admin → Kakao doctor: probe Kakao with one authentication (any owner's) and report each fact. */
export const runKakaoDoctorAction = defineAction(
  { schema: kakaoDoctorSchema, role: "admin" },
  async (input, user) => runKakaoDoctor(user, input),
  (input, report) => ({ action: "kakao.doctor", targetType: "authentication", targetId: String(input.authenticationId ?? report.authentication), details: { write: input.write, adAccountId: input.adAccountId ?? null, ok: report.ok } }),
);
