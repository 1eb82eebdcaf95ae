/** `/v3/connections/lookup?name=`: the id of the caller's authentication with that name (Treasure Data's result_connection_id). */
import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/auth/access";
import { listAuthentications } from "@/lib/authentications/authentications";
import type { Params } from "@/lib/td-api/http";
import { invalid, text } from "@/lib/td-api/fields";

export async function lookupTdConnection(user: SessionUser, params: Params) {
  const name = text(params, "name");
  if (name === undefined) throw invalid("name", "is required (the authentication's name)");
  // Names are unique per owner; an admin looks up their own too (ids of others' stay unguessable by name).
  const found = (await listAuthentications(user, { onlyMine: true })).find((a) => a.name === name);
  if (!found) throw new AppError("not_found", `Authentication "${name.slice(0, 100)}" not found`);
  return { id: found.id, name: found.name, type: "kakao_moment", status: found.status };
}
