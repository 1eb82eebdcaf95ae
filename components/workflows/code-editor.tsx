"use client";
import { useEffect, useRef } from "react";
import { EditorView, basicSetup } from "codemirror";
import { EditorState } from "@codemirror/state";
import { yaml } from "@codemirror/lang-yaml";
import { PostgreSQL, sql } from "@codemirror/lang-sql";

/** CodeMirror 6 for one project file: YAML highlighting for .dig, SQL for .sql. Re-created per file. */
export function CodeEditor({ file, value, onChange, label }: { file: string; value: string; onChange: (text: string) => void; label: string }) {
  const host = useRef<HTMLDivElement>(null);
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    const language = file.endsWith(".sql") ? [sql({ dialect: PostgreSQL })] : file.endsWith(".dig") || /\.ya?ml$/.test(file) ? [yaml()] : [];
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          basicSetup,
          ...language,
          EditorView.updateListener.of((update) => {
            if (update.docChanged) handler.current(update.state.doc.toString());
          }),
          EditorView.contentAttributes.of({ "aria-label": label }),
          EditorView.theme({ "&": { minHeight: "16rem", fontSize: "14px" }, ".cm-scroller": { fontFamily: "ui-monospace, monospace" } }),
        ],
      }),
    });
    return () => editor.destroy();
    // One editor per file: switching files re-creates it with that file's text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [file]);

  return <div ref={host} className="overflow-hidden rounded-md border border-slate-300 bg-white" data-testid="workflow-editor" />;
}
