/** After upload Kakao extracts each customer file (WAITING → COMPLETE/ERROR): poll and record it. */
import { db } from "@/lib/db";
import { exportSettingsSchema } from "@/lib/export/settings";
import { withAccessToken } from "@/lib/authentications/token-lifecycle";
import { listCustomerFiles } from "@/lib/kakao/customer-files";
import { QUEUES, queue } from "@/lib/jobs/queue";

export const POLL_ROUNDS = 60;
export const POLL_INTERVAL_S = 10;

export async function pollJobFiles(jobId: number, round: number): Promise<void> {
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
        data: { kakaoStatus: seen.customerFileStatus, populationScore: seen.populationScore === null ? null : BigInt(seen.populationScore), lastPolledAt: new Date() },
      });
    }
  }
  const pending = await db.jobFile.count({ where: { jobId, kakaoStatus: { in: ["WAITING", "MODIFYING"] } } });
  if ((pending || !listed) && round < POLL_ROUNDS) {
    await (await queue()).send(QUEUES.pollFiles, { jobId, round: round + 1 }, { startAfter: POLL_INTERVAL_S });
  }
}
