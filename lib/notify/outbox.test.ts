import net from "node:net";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { resetAppTables } from "@/test/db";
import { listOutbox, notify } from "@/lib/notify/outbox";
import { closeMailer, scrubSecrets } from "@/lib/notify/mailer";
import { scheduleDisabled } from "@/lib/notify/templates";
import { startTestSmtp } from "@/lib/notify/test-smtp";
import type { SessionUser } from "@/lib/auth/access";

const message = () => scheduleDisabled({ queryName: "nightly <audience>", reason: "3 failures", queryUrl: "http://x/workbench/queries/1" });

let a: SessionUser;
let b: SessionUser;
let admin: SessionUser;

const select = { id: true, email: true, name: true, role: true } as const;
beforeEach(async () => {
  await resetAppTables();
  a = await db.user.create({ data: { email: "a@example.com", passwordHash: "x" }, select });
  b = await db.user.create({ data: { email: "b@example.com", passwordHash: "x" }, select });
  admin = await db.user.create({ data: { email: "admin@example.com", passwordHash: "x", role: "admin" }, select });
});
afterEach(() => {
  delete process.env.SMTP_URL;
  resetEnvCache();
  closeMailer();
});
afterAll(resetAppTables);

function useSmtp(url: string) {
  process.env.SMTP_URL = url;
  resetEnvCache();
}

describe("notify", () => {
  it("without SMTP: the message is kept in the outbox only", async () => {
    const stored = await notify({ id: a.id, email: a.email }, message());
    expect(stored).toMatchObject({ userId: a.id, toAddress: "a@example.com", kind: "schedule.disabled", sentAt: null, sendError: null });
    expect(stored!.html).toContain("nightly &lt;audience&gt;");
  });

  it("with SMTP: stored, then sent (with the login from the URL), sentAt recorded", async () => {
    const smtp = await startTestSmtp({ user: "mailer", password: "p@ss word" });
    try {
      useSmtp(smtp.url);
      const stored = await notify({ id: a.id, email: a.email }, message());
      expect(stored).toMatchObject({ sendError: null, sentAt: expect.any(Date) });
      expect(smtp.received).toHaveLength(1);
      expect(smtp.received[0]).toMatchObject({ to: ["a@example.com"], subject: '[Kakao Moment Export Hub] Schedule of "nightly <audience>" disabled' });
      expect(smtp.received[0]!.raw).toMatch(/multipart\/alternative/);
    } finally {
      await smtp.close();
    }
  });

  it("a failing SMTP server: never throws, records the error without the password", async () => {
    const smtp = await startTestSmtp({ user: "mailer", password: "right-password" });
    try {
      useSmtp(`smtp://mailer:wrong-password-123@127.0.0.1:${smtp.port}`);
      const refused = await notify({ id: a.id, email: a.email }, message());
      expect(refused).toMatchObject({ sentAt: null, sendError: expect.stringMatching(/Invalid login|auth/i) });
      expect(refused!.sendError).not.toContain("wrong-password-123");
    } finally {
      await smtp.close();
    }
    // Nobody listening at all.
    const port = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    useSmtp(`smtp://mailer:secret-xyz@127.0.0.1:${port}`);
    const unreachable = await notify({ id: b.id, email: b.email }, message());
    expect(unreachable).toMatchObject({ sentAt: null, sendError: expect.stringMatching(/ECONNREFUSED|connect/i) });
    expect(await db.notification.count()).toBe(2);
  });

  it("scrubs an SMTP password from any message", () => {
    expect(scrubSecrets("failed for smtp://u:hunter22@host:25 (hunter22)", "smtp://u:hunter22@host:25")).toBe("failed for smtp://u:***@host:25 (***)");
    expect(scrubSecrets("nothing to hide", undefined)).toBe("nothing to hide");
  });
});

describe("listOutbox", () => {
  it("marketers see their own messages, newest first; admins see everyone's; limit applies", async () => {
    for (const user of [a, b, a, b, a]) await notify({ id: user.id, email: user.email }, message());
    const mine = await listOutbox(a, { limit: 10 });
    expect(mine).toHaveLength(3);
    expect(mine.every((m) => m.userId === a.id)).toBe(true);
    expect(mine.map((m) => m.id)).toEqual([...mine.map((m) => m.id)].sort((x, y) => y - x));
    expect(await listOutbox(b, { limit: 10 })).toHaveLength(2);
    expect(await listOutbox(admin, { limit: 10 })).toHaveLength(5);
    expect(await listOutbox(admin, { limit: 2 })).toHaveLength(2);
    const page2 = await listOutbox(admin, { limit: 10, before: (await listOutbox(admin, { limit: 2 }))[1]!.id });
    expect(page2).toHaveLength(3);
  });
});
