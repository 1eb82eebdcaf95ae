"use client";
import { useEffect, useRef } from "react";
import { EditorView, basicSetup } from "codemirror";
import { keymap } from "@codemirror/view";
import { Prec } from "@codemirror/state";
import { PostgreSQL, sql } from "@codemirror/lang-sql";

/** CodeMirror 6 with PostgreSQL highlighting; Ctrl/⌘-Enter runs. */
export function SqlEditor({ value, onChange, onRun, label, describedBy }: { value: string; onChange: (sql: string) => void; onRun: () => void; label: string; describedBy?: string }) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handlers = useRef({ onChange, onRun });
  handlers.current = { onChange, onRun };

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      doc: value,
      extensions: [
        basicSetup,
        sql({ dialect: PostgreSQL }),
        Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => (handlers.current.onRun(), true) }])),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) handlers.current.onChange(update.state.doc.toString());
        }),
        EditorView.contentAttributes.of({ "aria-label": label, ...(describedBy ? { "aria-describedby": describedBy } : {}) }),
        EditorView.theme({ "&": { minHeight: "10rem", fontSize: "14px" }, ".cm-scroller": { fontFamily: "ui-monospace, monospace" } }),
      ],
    });
    view.current = editor;
    return () => editor.destroy();
    // The editor owns its document after mount; outside changes arrive through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value) editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} className="overflow-hidden rounded-md border border-slate-300 bg-white" data-testid="sql-editor" />;
}
