/**
 * Test support for the schedule suites: users, a stored authentication row (no Kakao round trip: the
 * scheduler only needs its id and status) and saved queries with Export Results.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { db } from "@/lib/db";
import { queue } from "@/lib/jobs/queue";
import { resetAppTables } from "@/test/db";
import type { SessionUser } from "@/lib/auth/access";

export const root = path.resolve(import.meta.dirname, "../..");

const select = { id: true, email: true, name: true, role: true } as const;

export async function makeUser(email: string, role: "admin" | "marketer" = "marketer"): Promise<SessionUser> {
  return db.user.create({ data: { email, name: null, role, passwordHash: "not-a-real-hash" }, select });
}

export async function makeAuthentication(ownerId: string, name = "kakao_main", status: "healthy" | "reconnect_needed" = "healthy"): Promise<number> {
  const row = await db.authentication.create({ data: { ownerId, name, flow: "business", accessToken: "sealed-placeholder", status, adAccounts: [{ id: 27429, name: "Test", memberType: "MASTER" }] } });
  return row.id;
}

export const registerSettings = (file_name: string) => ({ type: "kakao_moment", data_source: "customer_file", ad_account_id: 27429, mode: "register", file_name });

export async function makeQuery(ownerId: string, name: string, options: { authenticationId?: number | null; sql?: string; fileName?: string } = {}): Promise<number> {
  const withExport = options.authenticationId !== undefined && options.authenticationId !== null;
  const row = await db.savedQuery.create({
    data: {
      ownerId,
      name,
      database: "kakao_db",
      sql: options.sql ?? "select adid from customers where age < 20",
      exportAuthenticationId: withExport ? options.authenticationId : null,
      exportSettings: withExport ? registerSettings(options.fileName ?? name.replace(/[^A-Za-z0-9_]/g, "_")) : undefined,
    },
  });
  return row.id;
}

/** A fresh app database with one marketer owning a healthy authentication. */
export async function scheduleFixture() {
  await resetAppTables();
  const user = await makeUser("marketer@example.com");
  const authenticationId = await makeAuthentication(user.id);
  return { user, authenticationId };
}

/** Jobs waiting in pg-boss for our job ids (the queue outlives resetAppTables, so tests clear it first). */
export async function clearRunQueue(): Promise<void> {
  await queue(); // creates pg-boss's schema on a fresh database
  await db.$executeRawUnsafe(`delete from pgboss.job where name = 'job.run'`);
}

export async function queuedRuns(): Promise<{ jobId: number; startAfter: Date }[]> {
  const rows = await db.$queryRawUnsafe<{ job_id: number; start_after: Date }[]>(`select (data->>'jobId')::int as job_id, start_after from pgboss.job where name = 'job.run' order by 1`);
  return rows.map((r) => ({ jobId: r.job_id, startAfter: r.start_after }));
}

/** A separate worker process that ticks on command (lib/schedule/tick-process.fixture.ts). */
export interface TickProcess {
  pid: number;
  tick(at: Date): Promise<{ started: { savedQueryId: number; scheduledAt: string; jobId: number; skipped: number }[]; errors: number }>;
  close(): Promise<void>;
}

export async function spawnTickProcess(): Promise<TickProcess> {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ["--conditions=react-server", "--import", "tsx", "lib/schedule/tick-process.fixture.ts"], { cwd: root, env: process.env, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  const lines = readline.createInterface({ input: child.stdout });
  const waiting: ((line: string) => void)[] = [];
  lines.on("line", (line) => {
    if (!line.startsWith("@@")) return; // anything else is ordinary logging
    waiting.shift()?.(line.slice(2));
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const next = () =>
    new Promise<string>((resolve, reject) => {
      waiting.push(resolve);
      void exited.then((code) => reject(new Error(`tick process exited (${code}): ${stderr}`)));
    });
  const ready = next();
  await ready;
  return {
    pid: child.pid!,
    async tick(at) {
      const answer = next();
      child.stdin.write(`tick ${at.getTime()}\n`);
      const parsed = JSON.parse(await answer);
      if (parsed.error) throw new Error(parsed.error);
      return parsed;
    },
    async close() {
      child.stdin.write("exit\n");
      await exited;
    },
  };
}
