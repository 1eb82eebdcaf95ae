/**
 * No user-visible text written into components: JSX text, and the attributes people read or hear
 * (aria-label, placeholder, title, alt…), must come from the message catalogs through t().
 * A literal is text containing a letter; punctuation and symbols ("·", "—", "#", "…") may stay.
 * A line may opt out with an `i18n-ignore: <why>` comment on it (e.g. SQL NULL, a code sample).
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const DIRS = ["app", "components"];
const READ_ATTRIBUTES = new Set(["aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "aria-placeholder", "placeholder", "title", "alt", "label"]);
const LETTER = /\p{L}/u;

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return entry.name.endsWith(".tsx") ? [full] : [];
  });
}

/** Text literals an expression evaluates to directly ("a", `a`, cond ? "a" : "b", "a" ?? x). */
function literalTexts(node: ts.Node): ts.Node[] {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return [node];
  if (ts.isTemplateExpression(node)) return [node.head, ...node.templateSpans.map((s) => s.literal)].filter((p) => LETTER.test(p.text)).length ? [node] : [];
  if (ts.isParenthesizedExpression(node)) return literalTexts(node.expression);
  if (ts.isConditionalExpression(node)) return [...literalTexts(node.whenTrue), ...literalTexts(node.whenFalse)];
  if (ts.isBinaryExpression(node) && [ts.SyntaxKind.BarBarToken, ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(node.operatorToken.kind)) return literalTexts(node.right);
  return [];
}

function textOf(node: ts.Node, source: ts.SourceFile): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  return node.getText(source);
}

export function findLiterals(file: string, code = fs.readFileSync(file, "utf8")): string[] {
  const source = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const lines = code.split("\n");
  const found: string[] = [];
  const report = (node: ts.Node, text: string) => {
    const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
    if (/i18n-ignore/.test(lines[line] ?? "")) return;
    found.push(`${path.relative(ROOT, file)}:${line + 1}: ${JSON.stringify(text.trim().slice(0, 60))}`);
  };
  const visit = (node: ts.Node) => {
    if (ts.isJsxText(node) && LETTER.test(node.text)) report(node, node.text);
    if (ts.isJsxExpression(node) && node.expression && (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))) {
      for (const literal of literalTexts(node.expression)) if (LETTER.test(textOf(literal, source))) report(literal, textOf(literal, source));
    }
    if (ts.isJsxAttribute(node) && READ_ATTRIBUTES.has(node.name.getText(source)) && node.initializer) {
      const init = node.initializer;
      const literals = ts.isStringLiteral(init) ? [init] : ts.isJsxExpression(init) && init.expression ? literalTexts(init.expression) : [];
      for (const literal of literals) if (LETTER.test(textOf(literal, source))) report(literal, textOf(literal, source));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("components have no untranslated text", () => {
  it("finds JSX text and read-aloud attributes written as literals (self-check)", () => {
    const sample = `export const A = () => (<div title="Hello" aria-label={"Close"}><p>Hi there</p>{ok ? "Yes" : "No"}<span>{"·"} — #</span><i placeholder={t("x")} />{" "}</div>);`;
    expect(findLiterals(path.join(ROOT, "components/sample.tsx"), sample).map((l) => l.replace(/^.*: /, ""))).toEqual(['"Hello"', '"Close"', '"Hi there"', '"Yes"', '"No"']);
  });

  it("every .tsx under app/ and components/ takes its text from the catalogs", () => {
    const literals = DIRS.flatMap((dir) => files(path.join(ROOT, dir))).flatMap((file) => findLiterals(file));
    expect(literals).toEqual([]);
  });
});
