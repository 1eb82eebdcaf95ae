/** Test and benchmark helpers for the engine's wire formats. */

/**
 * COPY text as PostgreSQL sends it during COPY OUT: one CopyData message ('d', then an int32 length
 * counting itself) per line, the input `copyOut(…, { framed: true })` streams and
 * AdidEncoder.pushFramed reads. A last line without "\n" becomes a message of its own.
 */
export function copyDataMessages(text: string | Buffer): Buffer {
  const buf = typeof text === "string" ? Buffer.from(text, "utf8") : text;
  const messages: Buffer[] = [];
  for (let start = 0; start < buf.length; ) {
    const nl = buf.indexOf(0x0a, start);
    const end = nl < 0 ? buf.length : nl + 1;
    const head = Buffer.alloc(5);
    head[0] = 0x64;
    head.writeUInt32BE(4 + end - start, 1);
    messages.push(head, buf.subarray(start, end));
    start = end;
  }
  return Buffer.concat(messages);
}
