/**
 * E-mail through nodemailer to the SMTP server in SMTP_URL (smtp:// or smtps://, credentials in the
 * URL). One transport per URL, rebuilt when the URL changes. Timeouts are short so a dead mail server
 * cannot hold up the scheduler; errors are returned with any password scrubbed, never thrown.
 */
import nodemailer, { type Transporter } from "nodemailer";
import { env } from "@/lib/env";

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export type SendResult = { ok: true; messageId: string } | { ok: false; error: string };

let cached: { url: string; transport: Transporter } | undefined;

function transportFor(url: string): Transporter {
  if (cached?.url !== url) {
    cached?.transport.close();
    cached = { url, transport: nodemailer.createTransport({ url, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 }) };
  }
  return cached.transport;
}

/** Whether notifications are e-mailed (otherwise they are only kept in the outbox). */
export function smtpConfigured(): boolean {
  return !!env().SMTP_URL;
}

/** Remove the SMTP password (raw and URL-decoded) from a message before it is stored or logged. */
export function scrubSecrets(message: string, url: string | undefined = env().SMTP_URL): string {
  if (!url) return message;
  let out = message;
  try {
    const parsed = new URL(url);
    const secrets = [parsed.password, decodeURIComponent(parsed.password)].filter((s) => s.length >= 3);
    for (const secret of secrets) out = out.split(secret).join("***");
  } catch {
    // not a URL we can parse: nothing to scrub by name
  }
  return out.replace(/(smtps?:\/\/[^:/@\s]+):[^@\s]*@/gi, "$1:***@");
}

export async function sendMail(mail: OutgoingMail): Promise<SendResult> {
  const { SMTP_URL: url, SMTP_FROM: from } = env();
  if (!url) return { ok: false, error: "No SMTP server is configured (SMTP_URL)" };
  try {
    const info = await transportFor(url).sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
    return { ok: true, messageId: String(info.messageId ?? "") };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, error: scrubSecrets(message, url).slice(0, 1000) };
  }
}

/** Close the cached transport (tests, shutdown). */
export function closeMailer(): void {
  cached?.transport.close();
  cached = undefined;
}
