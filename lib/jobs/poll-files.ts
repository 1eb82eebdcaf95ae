/**
 * After upload Kakao extracts each customer file (WAITING → COMPLETE/ERROR), within 6 hours
 * [doc]: poll and record it. Each round is a deferred pg-boss job, so no worker slot is held in
 * between; the rounds back off (10 s, 20 s, 40 s … at most 15 minutes apart) and stop 7 hours
 * after the upload. A file still WAITING then stays shown so, with when it was last checked.
 */
import { db } from "@/lib/db";
import { exportSettingsSchema } from "@/lib/export/settings";
import { withAccessToken } from "@/lib/authentications/token-lifecycle";
import { EXTRACTION_POLL_HOURS } from "@/lib/kakao/assumptions";
import { listCustomerFiles } from "@/lib/kakao/customer-files";
import { QUEUES, queue } from "@/lib/jobs/queue";

export const POLL_FIRST_INTERVAL_S = 10;
export const POLL_MAX_INTERVAL_S = 15 * 60;
export const POLL_FOR_MS = EXTRACTION_POLL_HOURS * 3_600_000;

/** Seconds before round `round + 1` (round is 1-based). */
export function pollDelaySeconds(round: number): number {
  return Math.min(POLL_MAX_INTERVAL_S, POLL_FIRST_INTERVAL_S * 2 ** Math.min(Math.max(round - 1, 0), 20));
}

/** One polling round; schedules the next one while a file is still processing and the 7 hours are not over. */
export async function pollJobFiles(jobId: number, round: number, now: () => number = Date.now): Promise<void> {
  const job = await db.job.findUnique({ where: { id: jobId }, include: { files: true } });
  if (!job?.authenticationId || !job.exportSettings || !job.files.length) return;
  const settings = exportSettingsSchema.parse(job.exportSettings);
  const listed = await withAccessToken(job.authenticationId, (token) => listCustomerFiles(token, settings.ad_account_id)).catch(() => null);
  if (listed) {
    const byId = new Map(listed.map((f) => [f.id, f]));
    for (const file of job.files) {
      const seen = file.kakaoId === null ? undefined : byId.get(Number(file.kakaoId));
      if (!seen) continue;
      await db.jobFile.update({
        where: { id: file.id },
        data: { kakaoStatus: seen.customerFileStatus, populationScore: seen.populationScore === null ? null : BigInt(seen.populationScore), lastPolledAt: new Date(now()) },
      });
    }
  }
  const pending = await db.jobFile.findMany({ where: { jobId, kakaoStatus: { in: ["WAITING", "MODIFYING"] } }, select: { uploadedAt: true } });
  if (!pending.length && listed) return;
  const since = Math.min(...[...pending.map((f) => f.uploadedAt?.getTime() ?? Infinity), job.finishedAt?.getTime() ?? Infinity, job.createdAt.getTime()]);
  const next = pollDelaySeconds(round);
  if (now() + next * 1000 - since > POLL_FOR_MS) return;
  await (await queue()).send(QUEUES.pollFiles, { jobId, round: round + 1 }, { startAfter: next });
}
