/**
 * A small SQL lexer for the workbench: finds the one statement in what the user typed (a trailing
 * semicolon is fine), names what kind of statement it is, and maps PostgreSQL's error positions to
 * line and column. It only needs to know where strings, quoted identifiers and comments start and
 * end — the sandbox role and the read-only transaction are what actually enforce the rules, and
 * PostgreSQL's extended protocol refuses a second statement on its own; this gives the clear message.
 */
/** Statement kinds a workbench query may start with (what `DECLARE … CURSOR FOR` and `COPY (…)` accept). */
export const READ_STATEMENTS = ["select", "with", "values", "table"] as const;

/**
 * Other SQL commands, refused with a clear message before anything is sent. A first word that is
 * none of these (a typo like `selec`) goes to PostgreSQL, whose syntax error points at it.
 */
const OTHER_COMMANDS = new Set(
  (
    "abort alter analyse analyze begin call checkpoint close cluster comment commit copy create deallocate declare delete " +
    "discard do drop end execute explain fetch grant import insert listen load lock merge move notify prepare reassign " +
    "refresh reindex release reset revoke rollback savepoint security set show start truncate unlisten update vacuum"
  ).split(" "),
);

export interface SqlPosition {
  /** 0-based index into the query text (in characters, as PostgreSQL counts them). */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
}

export type StatementCheck =
  | {
      ok: true;
      /** The statement without trailing semicolons, comments and whitespace; a prefix of the input, so positions stay valid. */
      text: string;
      /** First keyword, lower-case (`select`, `with`, …). */
      keyword: string;
    }
  | { ok: false; reason: "empty" | "multiple_statements" | "not_read_only"; message: string };

const isIdentStart = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isSpace = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;

type Token = { kind: "word"; start: number; end: number } | { kind: "semicolon"; start: number; end: number } | { kind: "other"; start: number; end: number };

/**
 * Tokens that matter for statement boundaries; strings, quoted identifiers and comments are skipped
 * (an unterminated one runs to the end, as PostgreSQL would then report a syntax error anyway).
 */
function* tokens(sql: string): Generator<Token> {
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (isSpace(c)) {
      i++;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const nl = sql.indexOf("\n", i);
      i = nl < 0 ? n : nl + 1;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      // Block comments nest in PostgreSQL.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (sql.charCodeAt(i) === 47 && sql.charCodeAt(i + 1) === 42) {
          depth++;
          i += 2;
        } else if (sql.charCodeAt(i) === 42 && sql.charCodeAt(i + 1) === 47) {
          depth--;
          i += 2;
        } else i++;
      }
    } else if (c === 39 /* ' */) {
      const start = i;
      i = skipQuoted(sql, i, false);
      yield { kind: "other", start, end: i };
    } else if (c === 34 /* " */) {
      const start = i;
      i = skipQuoted(sql, i, false, 34);
      yield { kind: "other", start, end: i };
    } else if (c === 36 /* $ */) {
      const start = i;
      const tag = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/.exec(sql.slice(i, i + 70));
      if (tag) {
        const close = sql.indexOf(tag[0], i + tag[0].length);
        i = close < 0 ? n : close + tag[0].length;
      } else {
        i++;
        while (i < n && sql.charCodeAt(i) >= 48 && sql.charCodeAt(i) <= 57) i++; // $1 parameter
      }
      yield { kind: "other", start, end: i };
    } else if (c === 59 /* ; */) {
      yield { kind: "semicolon", start: i, end: i + 1 };
      i++;
    } else if (isIdentStart(c)) {
      const start = i;
      // E'…' (backslash escapes) and U&'…' / B'…' / X'…' string prefixes.
      if ((c === 69 || c === 101) && sql.charCodeAt(i + 1) === 39) {
        i = skipQuoted(sql, i + 1, true);
        yield { kind: "other", start, end: i };
        continue;
      }
      if ((c === 85 || c === 117) && sql.charCodeAt(i + 1) === 38 && (sql.charCodeAt(i + 2) === 39 || sql.charCodeAt(i + 2) === 34)) {
        i = skipQuoted(sql, i + 2, false, sql.charCodeAt(i + 2));
        yield { kind: "other", start, end: i };
        continue;
      }
      while (i < n && isIdentPart(sql.charCodeAt(i))) i++;
      yield { kind: "word", start, end: i };
    } else {
      yield { kind: "other", start: i, end: i + 1 };
      i++;
    }
  }
}

/** Index just past the closing quote of the literal opening at `i` (doubled quotes stay inside). */
function skipQuoted(sql: string, i: number, backslashEscapes: boolean, quote = 39): number {
  const n = sql.length;
  i++;
  while (i < n) {
    const c = sql.charCodeAt(i);
    if (backslashEscapes && c === 92) {
      i += 2;
    } else if (c === quote) {
      if (sql.charCodeAt(i + 1) === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return n;
}

/**
 * The one statement in `sql`, or why not: no statement, a second statement (with where it starts),
 * or a statement that is not a read query.
 */
export function singleReadStatement(sql: string): StatementCheck {
  let keyword = "";
  let end = 0;
  let semicolonAt = -1;
  for (const token of tokens(sql)) {
    if (semicolonAt >= 0) {
      if (token.kind === "semicolon") continue;
      const at = positionOf(sql, token.start);
      return {
        ok: false,
        reason: "multiple_statements",
        message: `Only one statement can run at a time: a second statement starts at line ${at.line}, column ${at.column}. Remove it, or run it separately.`,
      };
    }
    if (token.kind === "semicolon") {
      semicolonAt = token.start;
      continue;
    }
    if (!keyword) {
      if (token.kind === "word") keyword = sql.slice(token.start, token.end).toLowerCase();
      else if (!(token.kind === "other" && sql.charCodeAt(token.start) === 40)) keyword = sql.slice(token.start, token.end);
    }
    end = token.end;
  }
  if (!keyword) return { ok: false, reason: "empty", message: "The query is empty: write a SELECT statement." };
  if (OTHER_COMMANDS.has(keyword)) {
    const shown = keyword.length > 30 ? `${keyword.slice(0, 30)}…` : keyword;
    return {
      ok: false,
      reason: "not_read_only",
      message: `Only read queries can run in the workbench (SELECT, WITH, VALUES or TABLE); this statement starts with ${shown.toUpperCase()}.`,
    };
  }
  return { ok: true, text: sql.slice(0, end), keyword };
}

/** Line and column (1-based) of a 0-based character offset. */
export function positionOf(sql: string, offset: number): SqlPosition {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < sql.length; i++) {
    if (sql.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, line, column: offset - lineStart + 1 };
}

/**
 * PostgreSQL's `position` (1-based, in characters, of the text it was sent) → a position in the
 * user's SQL, given how many characters were put in front of it. Characters outside the Basic
 * Multilingual Plane count once for PostgreSQL and twice for JavaScript, hence the walk.
 */
export function positionFromServer(sql: string, serverPosition: string | number | undefined, prefixLength: number): SqlPosition | undefined {
  const pos = Number(serverPosition);
  if (!Number.isInteger(pos) || pos < 1) return undefined;
  let chars = pos - 1 - prefixLength;
  if (chars < 0) return undefined;
  let offset = 0;
  while (chars > 0 && offset < sql.length) {
    const c = sql.charCodeAt(offset);
    offset += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
    chars--;
  }
  if (chars > 0) return undefined;
  return positionOf(sql, Math.min(offset, sql.length));
}
