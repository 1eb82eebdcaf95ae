import { describe, expect, it } from "vitest";
import { escapeHtml, formatScheduledTime, scheduleDisabled, scheduledJobFailed, scheduledJobSucceeded } from "@/lib/notify/templates";

const evil = `<script>alert("x")</script> & 'co'`;

describe("notification templates", () => {
  it("escapes user values in HTML and keeps them readable in text", () => {
    const message = scheduledJobFailed({ queryName: evil, jobId: 7, scheduledAt: new Date("2025-03-10T15:00:00Z"), timeZone: "Asia/Seoul", errorMessage: "No adid column <b>here</b>", errorKind: "configuration", jobUrl: "http://hub.example.com/jobs/7?a=1&b=2", configFailures: 2, disableAfter: 3 });
    expect(message.kind).toBe("schedule.job_failed");
    expect(message.html).not.toContain("<script>");
    expect(message.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;");
    expect(message.html).toContain("No adid column &lt;b&gt;here&lt;/b&gt;");
    expect(message.html).toContain('<a href="http://hub.example.com/jobs/7?a=1&amp;b=2">');
    expect(message.text).toContain(evil);
    expect(message.text).toContain("for 2025-03-11 00:00 Asia/Seoul failed (job 7)");
    expect(message.text).toContain("This is a configuration error");
    expect(message.text).toContain("configuration failure 2 in a row; after 3 in a row the schedule is disabled");
    expect(message.text).toContain("http://hub.example.com/jobs/7?a=1&b=2");
  });

  it("keeps subjects on one line and explains transient errors without a streak", () => {
    const message = scheduledJobFailed({ queryName: "two\nlines", jobId: 8, scheduledAt: new Date(0), timeZone: "UTC", errorMessage: "timeout", errorKind: "transient", jobUrl: "http://x/jobs/8", disableAfter: 3 });
    expect(message.subject).toBe('[Kakao Moment Export Hub] Scheduled export "two lines" failed (job 8)');
    expect(message.text).toContain("This is a temporary error");
    expect(message.text).not.toContain("in a row");
  });

  it("the disable notice says why and how to re-enable; the success notice gives the counts", () => {
    const disabled = scheduleDisabled({ queryName: "q<1>", reason: "3 scheduled runs in a row failed", queryUrl: "http://x/workbench/queries/1" });
    expect(disabled.subject).toBe('[Kakao Moment Export Hub] Schedule of "q<1>" disabled');
    expect(disabled.text).toMatch(/Why: 3 scheduled runs in a row failed/);
    expect(disabled.text).toMatch(/edit and save its schedule, or click Resume/);
    expect(disabled.html).toContain("q&lt;1&gt;");
    const ok = scheduledJobSucceeded({ queryName: "q", jobId: 9, scheduledAt: new Date("2025-01-01T00:00:00Z"), timeZone: "UTC", rowsExported: 1234n, files: 1, jobUrl: "http://x/jobs/9" });
    expect(ok.text).toContain("succeeded (job 9): 1234 ADIDs exported in 1 customer file(s)");
  });

  it("helpers", () => {
    expect(escapeHtml(`a<b>"c"&'d'`)).toBe("a&lt;b&gt;&quot;c&quot;&amp;&#39;d&#39;");
    expect(formatScheduledTime(new Date("2025-06-01T00:00:00Z"), "America/New_York")).toBe("2025-05-31 20:00 America/New_York");
  });
});
