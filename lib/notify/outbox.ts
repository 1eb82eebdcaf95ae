/**
 * Notifications: every message is stored first (the `notifications` table is the console's Outbox),
 * then e-mailed when SMTP_URL is configured, recording `sentAt` or `sendError`. Sending never throws
 * to the caller: a notice that cannot be mailed is still in the outbox.
 */
import { db, Prisma } from "@/lib/db";
import type { SessionUser } from "@/lib/auth/access";
import { sendMail, smtpConfigured } from "@/lib/notify/mailer";
import type { MailMessage } from "@/lib/notify/templates";

export const outboxView = {
  id: true,
  userId: true,
  toAddress: true,
  subject: true,
  text: true,
  html: true,
  kind: true,
  createdAt: true,
  sentAt: true,
  sendError: true,
} as const satisfies Prisma.NotificationSelect;

export type OutboxMessage = Prisma.NotificationGetPayload<{ select: typeof outboxView }>;

export interface Recipient {
  /** The user the message is about/for (null: a system address). */
  id: string | null;
  email: string;
}

/** Store the message, then e-mail it if SMTP is configured. Returns the stored row (null only if even storing failed). */
export async function notify(to: Recipient, message: MailMessage): Promise<OutboxMessage | null> {
  let stored: OutboxMessage;
  try {
    stored = await db.notification.create({
      data: { userId: to.id, toAddress: to.email, subject: message.subject, text: message.text, html: message.html, kind: message.kind },
      select: outboxView,
    });
  } catch (error) {
    console.error(`[notify] could not store a ${message.kind} notification: ${error instanceof Error ? error.message : error}`);
    return null;
  }
  if (!smtpConfigured()) return stored;
  const result = await sendMail({ to: to.email, subject: message.subject, text: message.text, html: message.html });
  try {
    return await db.notification.update({
      where: { id: stored.id },
      data: result.ok ? { sentAt: new Date(), sendError: null } : { sendError: result.error },
      select: outboxView,
    });
  } catch (error) {
    console.error(`[notify] could not record delivery of notification ${stored.id}: ${error instanceof Error ? error.message : error}`);
    return stored;
  } finally {
    if (!result.ok) console.warn(`[notify] e-mail for notification ${stored.id} not sent: ${result.error}`);
  }
}

/** The Outbox: newest first; marketers see their own messages, admins everyone's. */
export async function listOutbox(user: SessionUser, options: { limit?: number; before?: number } = {}): Promise<OutboxMessage[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50) || 50, 1), 500);
  return db.notification.findMany({
    where: { ...(user.role === "admin" ? {} : { userId: user.id }), ...(options.before ? { id: { lt: options.before } } : {}) },
    select: outboxView,
    orderBy: { id: "desc" },
    take: limit,
  });
}
