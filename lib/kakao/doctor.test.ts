/**
 * The Kakao doctor against the emulator over HTTP: with the emulator's default facts every checked
 * row is "as assumed"; flip one unknown fact on the emulator only and exactly that row differs,
 * naming the setting to change. Ground truth for the write probes: the files the emulator stored.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EMU, control, emulatorState, forceAuthorizeError, obtainToken, resetFacts, setFacts } from "@/emulator/testing";
import { resetEnvCache } from "@/lib/env";
import { CALLBACK_PATH } from "@/lib/kakao/config";
import { runDoctor, shapeOf, type DoctorReport } from "@/lib/kakao/doctor";
import { PUBLIC_URL, startKakao } from "@/lib/authentications/test-support";

let kakao: Awaited<ReturnType<typeof startKakao>>;
let token: string;
const ACCOUNT = EMU.accounts.brandA;

beforeAll(async () => {
  kakao = await startKakao();
  Object.assign(process.env, { KAKAO_WRITE_INTERVAL_MS: "0", KAKAO_RETRY_BASE_MS: "10", KAKAO_RATE_LIMIT_RETRY_BASE_MS: "10" });
  resetEnvCache();
});
afterAll(async () => {
  await kakao?.close();
});
beforeEach(async () => {
  await control(kakao.url, "/__emulator/reset");
  await resetFacts(kakao.url);
  token = (await obtainToken(kakao.url, { redirectUri: `${PUBLIC_URL}${CALLBACK_PATH}` })).access_token;
});

const differing = (r: DoctorReport) => r.rows.filter((row) => row.verdict === "differs");
const checked = (r: DoctorReport) => r.rows.filter((row) => row.verdict !== "not checked");

describe("runDoctor, read-only", () => {
  it("finds every checked fact as assumed against the emulator's defaults", async () => {
    const report = await runDoctor({ token });
    expect(differing(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(checked(report).map((r) => r.fact)).toEqual(
      expect.arrayContaining(["authorize: Kakao accepts the request", "token info: field with the Kakao user id", "ad-account pages: page number field", "an unknown customer-file id answers"]),
    );
    // Read-only: the write facts are listed, not probed, and nothing was written.
    expect(report.rows.filter((r) => r.verdict === "not checked").map((r) => r.setting)).toEqual(expect.arrayContaining(["KAKAO_UPLOAD_NAME_PART", "KAKAO_EDIT_CALL", "KAKAO_REGISTER_ANSWER"]));
    expect(Object.keys((await emulatorState(kakao.url)).requests).filter((k) => /^(POST|PUT|DELETE) \/openapi/.test(k))).toEqual([]);
    expect(report.authorizeUrl).toContain("state=…");
    expect(report.authorizeUrl).not.toContain("kakao-doctor");
  });

  it("shows shapes, never values (no token, no id in any row)", async () => {
    const report = await runDoctor({ token });
    const all = JSON.stringify(report);
    expect(all).not.toContain(token);
    expect(all).not.toContain(String(EMU.userId));
    expect(shapeOf({ b: 1, a: [{ c: "x" }], d: null })).toBe("{a: [{c: string}], b: number, d: null}");
  });

  it("token info answering the user id under another field: exactly that row differs, naming the setting", async () => {
    await setFacts(kakao.url, { tokenInfoUserIdField: "user_id" });
    const report = await runDoctor({ token });
    expect(differing(report)).toEqual([expect.objectContaining({ fact: "token info: field with the Kakao user id", setting: "KAKAO_TOKENINFO_USER_ID_FIELD", seen: expect.stringMatching(/^no token_user_id \(answer \{.*user_id: number/) })]);
    expect(report.ok).toBe(false);
  });

  it("ad-account pages naming the page number otherwise: exactly that row differs", async () => {
    await setFacts(kakao.url, { adAccountsPageField: "number" });
    const report = await runDoctor({ token });
    expect(differing(report)).toEqual([expect.objectContaining({ fact: "ad-account pages: page number field", assumed: "page: number", seen: "number: number" })]);
  });

  it("an authorize refusal (KOE233) is a differing row that points at the settings to check", async () => {
    await forceAuthorizeError(kakao.url, "KOE233", 1);
    const report = await runDoctor({ token });
    expect(differing(report)).toEqual([expect.objectContaining({ fact: "authorize: Kakao accepts the request", seen: "refused: KOE233", setting: "KAKAO_RESOURCE_IDS / KAKAO_PKCE" })]);
  });

  it("a token Kakao refuses: the token-info row differs and the probe goes on", async () => {
    const report = await runDoctor({ token: "not-a-token" });
    expect(differing(report).map((r) => r.fact)).toEqual(expect.arrayContaining(["token info answers", "ad-account pages answer"]));
    expect(differing(report).find((r) => r.fact === "token info answers")!.seen).toMatch(/^HTTP 401/);
  });
});

describe("runDoctor --write", () => {
  it("registers, edits and deletes one test file; every fact as assumed; nothing left behind", async () => {
    const lines: string[] = [];
    const report = await runDoctor({ token, adAccountId: ACCOUNT, write: true, log: (l) => lines.push(l) });
    expect(differing(report)).toEqual([]);
    const byFact = Object.fromEntries(report.rows.map((r) => [r.fact, r.verdict]));
    expect(byFact).toMatchObject({
      "register: multipart part names": "as assumed",
      "register: the answer carries the customer file": "as assumed",
      "edit: method and path that replace a file's contents": "as assumed",
      "dates without an offset are in UTC+N": "as assumed",
      "delete: the file is gone, or listed as DELETE": "as assumed",
    });
    const state = await emulatorState(kakao.url);
    expect(state.requests["POST /openapi/v4/customerFiles"]).toEqual({ "200": 1 });
    expect(state.files.map((f) => f.customerFileStatus)).toEqual(["DELETE"]);
    expect(lines.some((l) => l.startsWith("registering the test file"))).toBe(true);
  });

  it.each([
    [{ registerAnswer: "empty" }, "register: the answer carries the customer file", "KAKAO_REGISTER_ANSWER"],
    [{ uploadNamePart: "fileName" }, "register: multipart part names", "KAKAO_UPLOAD_NAME_PART / KAKAO_UPLOAD_FILE_PART"],
    [{ editCall: "POST /openapi/v4/customerFiles/{id}/file" }, "edit: method and path that replace a file's contents", "KAKAO_EDIT_CALL"],
    [{ dateUtcOffsetHours: 0 }, "dates without an offset are in UTC+N", "KAKAO_DATE_UTC_OFFSET_HOURS"],
  ])("emulator fact %j: exactly the row %s differs", async (facts, fact, setting) => {
    await setFacts(kakao.url, facts);
    const report = await runDoctor({ token, adAccountId: ACCOUNT, write: true });
    expect(differing(report)).toEqual([expect.objectContaining({ fact, setting })]);
  });

  it("Kakao writing slower than KAKAO_WRITE_INTERVAL_MS: the write-interval row differs", async () => {
    await setFacts(kakao.url, { writeIntervalMs: 60_000 });
    const report = await runDoctor({ token, adAccountId: ACCOUNT, write: true });
    expect(differing(report)).toEqual([expect.objectContaining({ setting: "KAKAO_WRITE_INTERVAL_MS", seen: expect.stringMatching(/^\d+ × 429 at that pace$/) })]);
  });

  it("needs the ad account to write to", async () => {
    const report = await runDoctor({ token, write: true });
    expect(report.rows.find((r) => r.fact === "write probes")).toMatchObject({ verdict: "not checked", seen: "no ad account given" });
  });
});
