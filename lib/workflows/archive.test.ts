import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { zipSync, strToU8 } from "fflate";
import tar from "tar-stream";
import { projectFiles } from "@/lib/workflows/archive";

const enc = (s: string) => new TextEncoder().encode(s);

async function tarOf(entries: Record<string, string>): Promise<Uint8Array> {
  const pack = tar.pack();
  for (const [name, text] of Object.entries(entries)) pack.entry({ name }, text);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

const PROJECT = { "kakao/kakao_register.dig": "+t:\n  td>: upload.sql\n", "kakao/upload.sql": "select adid from customers\n" };
const EXPECTED = { "kakao_register.dig": "+t:\n  td>: upload.sql\n", "upload.sql": "select adid from customers\n" };

describe("project uploads", () => {
  it("several files as they are", async () => {
    expect(await projectFiles([{ name: "a.dig", data: enc("x") }, { name: "q.sql", data: enc("y") }])).toEqual({ "a.dig": "x", "q.sql": "y" });
  });
  it("a zip, its one top folder stripped, macOS leftovers left out", async () => {
    const zip = zipSync({ ...Object.fromEntries(Object.entries(PROJECT).map(([k, v]) => [k, strToU8(v)])), "__MACOSX/kakao/._upload.sql": strToU8("junk") });
    expect(await projectFiles([{ name: "kakao.zip", data: zip }])).toEqual(EXPECTED);
  });
  it("a tar and a tar.gz", async () => {
    const plain = await tarOf(PROJECT);
    expect(await projectFiles([{ name: "kakao.tar", data: plain }])).toEqual(EXPECTED);
    expect(await projectFiles([{ name: "kakao.tar.gz", data: gzipSync(plain) }])).toEqual(EXPECTED);
    expect(await projectFiles([{ name: "kakao.tgz", data: gzipSync(await tarOf(EXPECTED)) }])).toEqual(EXPECTED);
  });
  it("refuses broken archives, unsafe or duplicate names, binary files and nothing at all", async () => {
    await expect(projectFiles([{ name: "x.zip", data: enc("not a zip") }])).rejects.toMatchObject({ code: "invalid_input", message: expect.stringMatching(/not a readable zip/) });
    await expect(projectFiles([{ name: "x.tar.gz", data: enc("nope") }])).rejects.toMatchObject({ message: expect.stringMatching(/not a readable \.tar\.gz/) });
    await expect(projectFiles([{ name: "bad name;rm.sql", data: enc("x") }])).rejects.toMatchObject({ message: expect.stringMatching(/not an allowed file name/) });
    await expect(projectFiles([{ name: "a.sql", data: enc("x") }, { name: "a.sql", data: enc("y") }])).rejects.toMatchObject({ message: expect.stringMatching(/given twice/) });
    await expect(projectFiles([{ name: "a.sql", data: new Uint8Array([0xff, 0xfe, 0x00]) }])).rejects.toMatchObject({ message: expect.stringMatching(/not a UTF-8 text file/) });
    await expect(projectFiles([])).rejects.toMatchObject({ message: expect.stringMatching(/^files: choose/) });
  });
});
