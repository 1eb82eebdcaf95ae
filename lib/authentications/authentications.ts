/** Stored Kakao authentications: listing, ownership, rename, delete (with usage check). */
import { db, Prisma } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { assertCanUse, type SessionUser } from "@/lib/auth/access";
import type { AdAccountSummary } from "@/lib/authentications/schemas";
import { projectsUsingAuthentication } from "@/lib/workflows/projects";

/** What the browser may see of an authentication: never a token. */
export const authenticationView = {
  id: true,
  name: true,
  flow: true,
  kakaoUserId: true,
  kakaoAccountEmail: true,
  adAccounts: true,
  scopes: true,
  status: true,
  statusReason: true,
  createdAt: true,
  lastUsedAt: true,
  ownerId: true,
  owner: { select: { email: true } },
} as const satisfies Prisma.AuthenticationSelect;

export type AuthenticationView = Prisma.AuthenticationGetPayload<{ select: typeof authenticationView }> & { adAccounts: AdAccountSummary[] };

/** A marketer sees their own; an admin sees everyone's. */
export async function listAuthentications(user: SessionUser, options: { onlyMine?: boolean } = {}): Promise<AuthenticationView[]> {
  const where = user.role === "admin" && !options.onlyMine ? {} : { ownerId: user.id };
  return (await db.authentication.findMany({ where, select: authenticationView, orderBy: { createdAt: "desc" } })) as AuthenticationView[];
}

/** Load one the caller may use; another user's is "not found" (no existence leak). */
export async function getAuthenticationFor(user: SessionUser, id: number): Promise<AuthenticationView> {
  const found = await db.authentication.findUnique({ where: { id }, select: authenticationView });
  assertCanUse(user, found?.ownerId, "Authentication");
  return found as AuthenticationView;
}

export function nameTaken(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

export async function renameAuthentication(user: SessionUser, id: number, name: string): Promise<AuthenticationView> {
  const current = await getAuthenticationFor(user, id);
  try {
    return (await db.authentication.update({ where: { id: current.id }, data: { name }, select: authenticationView })) as AuthenticationView;
  } catch (error) {
    if (nameTaken(error)) throw new AppError("conflict", `name: an authentication named "${name}" already exists`, { name: "is already used by another of your authentications" });
    throw error;
  }
}

/**
 * What refers to an authentication, as words for the refusal message. Each feature that stores a
 * reference adds its query here (activations and workflows will, when they exist).
 */
export async function findUsages(authenticationId: number): Promise<string[]> {
  const scheduled = await db.savedQuery.findMany({
    where: { exportAuthenticationId: authenticationId, scheduleCron: { not: null }, NOT: { scheduleCron: "" }, activation: { is: null } },
    select: { name: true },
    orderBy: { name: "asc" },
  });
  const activations = await db.activation.findMany({
    where: { authenticationId },
    select: { name: true, segment: { select: { name: true } } },
    orderBy: { name: "asc" },
  });
  const authentication = await db.authentication.findUnique({ where: { id: authenticationId }, select: { ownerId: true, name: true } });
  const workflowProjects = authentication ? await projectsUsingAuthentication(authentication.ownerId, authentication.name) : [];
  return [
    ...scheduled.map((q) => `the schedule of query "${q.name}"`),
    ...activations.map((a) => `activation "${a.name}" of segment "${a.segment.name}"`),
    ...workflowProjects.map((name) => `workflow project "${name}" (result_connection)`),
  ];
}

export async function deleteAuthentication(user: SessionUser, id: number): Promise<AuthenticationView> {
  const current = await getAuthenticationFor(user, id);
  const usages = await findUsages(current.id);
  if (usages.length) {
    throw new AppError("conflict", `"${current.name}" is still used by ${usages.join(", ")}. Change or delete those first.`);
  }
  await db.authentication.delete({ where: { id: current.id } });
  return current;
}
