"use server";
import { revalidatePath } from "next/cache";
import { defineAction } from "@/lib/auth/guard";
import { createApiKeySchema, revokeApiKeySchema } from "@/lib/api-keys/schemas";
import { createApiKey, revokeApiKey } from "@/lib/api-keys/keys";

/** Create a key for the signed-in user; the key itself is returned this once (audit: lib/api-keys/keys.ts). */
export const createApiKeyAction = defineAction({ schema: createApiKeySchema }, async (input, user) => {
  const { key, apiKey } = await createApiKey(user, input);
  revalidatePath("/account/api-keys");
  return { key, id: apiKey.id, name: apiKey.name };
});

/** Revoke one of the user's keys (an admin: anyone's). */
export const revokeApiKeyAction = defineAction({ schema: revokeApiKeySchema }, async (input, user) => {
  const revoked = await revokeApiKey(user, input.id);
  revalidatePath("/account/api-keys");
  return { id: revoked.id, name: revoked.name };
});
