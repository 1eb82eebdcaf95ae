"use client";
import { useEffect, useRef, useState } from "react";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { createFolderAction, deleteFolderAction, deleteSegmentAction } from "@/lib/audiences/actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { Alert } from "@/components/ui/alert";

export interface TreeFolder {
  id: number;
  parentFolderId: number | null;
  name: string;
}

export interface TreeSegment {
  id: number;
  folderId: number | null;
  name: string;
  activations: number;
}

/** A segment's menu: from its ⋯ button or a right-click on the row (Create Activation, as in the seed). */
function SegmentMenu({ segment, open, onClose }: { segment: TreeSegment; open: boolean; onClose: () => void }) {
  const t = useTranslations("audiences");
  const router = useRouter();
  const ref = useRef<HTMLUListElement>(null);
  const { run } = useAction({ toast: true });
  useEffect(() => {
    if (!open) return;
    ref.current?.querySelector<HTMLElement>("[role=menuitem]")?.focus();
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (event instanceof KeyboardEvent ? event.key === "Escape" : !ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open, onClose]);
  if (!open) return null;
  const item = "block w-full px-3 py-1.5 text-left text-sm hover:bg-slate-100 focus:bg-slate-100 focus:outline-none";
  return (
    <ul ref={ref} role="menu" aria-label={t("segmentMenu", { name: segment.name })} className="absolute right-0 z-10 mt-1 w-48 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
      <li role="none">
        <button role="menuitem" className={item} onClick={() => router.push(`/audiences/segments/${segment.id}`)}>
          {t("openSegment")}
        </button>
      </li>
      <li role="none">
        <button role="menuitem" className={item} onClick={() => router.push(`/audiences/segments/${segment.id}/activations/new`)}>
          {t("createActivation")}
        </button>
      </li>
      <li role="none">
        <button
          role="menuitem"
          className={`${item} text-red-700`}
          onClick={() => {
            onClose();
            if (window.confirm(t("confirmDeleteSegment", { name: segment.name }))) run(() => deleteSegmentAction({ id: segment.id }), () => t("segmentDeleted", { name: segment.name }));
          }}
        >
          {t("deleteSegment")}
        </button>
      </li>
    </ul>
  );
}

function SegmentRow({ segment }: { segment: TreeSegment }) {
  const t = useTranslations("audiences");
  const [open, setOpen] = useState(false);
  return (
    <li
      className="relative flex items-center justify-between rounded px-2 py-1 hover:bg-slate-50"
      onContextMenu={(event) => {
        event.preventDefault();
        setOpen(true);
      }}
    >
      <Link href={`/audiences/segments/${segment.id}`} className="font-medium underline">
        {segment.name}
      </Link>
      <span className="flex items-center gap-2 text-xs text-slate-600">
        {t("activationCount", { count: segment.activations })}
        <button type="button" aria-haspopup="menu" aria-expanded={open} aria-label={t("segmentActions", { name: segment.name })} className="rounded px-2 py-0.5 text-base hover:bg-slate-200" onClick={() => setOpen(!open)}>
          ⋯
        </button>
      </span>
      <SegmentMenu segment={segment} open={open} onClose={() => setOpen(false)} />
    </li>
  );
}

function FolderNode({ folder, folders, segments, parentSegmentId }: { folder: TreeFolder; folders: TreeFolder[]; segments: TreeSegment[]; parentSegmentId: number }) {
  const t = useTranslations("audiences");
  const { run } = useAction({ toast: true });
  return (
    <li>
      <details open className="rounded border border-slate-200 bg-white">
        <summary className="flex cursor-pointer items-center justify-between px-2 py-1">
          <span>
            <span aria-hidden>📁 </span>
            {folder.name}
          </span>
          <button
            type="button"
            className="text-xs text-red-700 underline"
            aria-label={t("deleteFolderNamed", { name: folder.name })}
            onClick={(event) => {
              event.preventDefault();
              if (window.confirm(t("confirmDeleteFolder", { name: folder.name }))) run(() => deleteFolderAction({ id: folder.id }), () => t("folderDeleted"));
            }}
          >
            {t("deleteFolder")}
          </button>
        </summary>
        <div className="pl-4">
          <Branch parentFolderId={folder.id} folders={folders} segments={segments} parentSegmentId={parentSegmentId} />
        </div>
      </details>
    </li>
  );
}

function Branch({ parentFolderId, folders, segments, parentSegmentId }: { parentFolderId: number | null; folders: TreeFolder[]; segments: TreeSegment[]; parentSegmentId: number }) {
  const here = folders.filter((f) => f.parentFolderId === parentFolderId);
  const mine = segments.filter((s) => s.folderId === parentFolderId);
  return (
    <ul className="space-y-1 py-1">
      {here.map((f) => (
        <FolderNode key={`f${f.id}`} folder={f} folders={folders} segments={segments} parentSegmentId={parentSegmentId} />
      ))}
      {mine.map((s) => (
        <SegmentRow key={`s${s.id}`} segment={s} />
      ))}
    </ul>
  );
}

/** The parent segment's folder tree of segments, with New folder. */
export function SegmentTree({ parentSegmentId, folders, segments }: { parentSegmentId: number; folders: TreeFolder[]; segments: TreeSegment[] }) {
  const t = useTranslations("audiences");
  const [name, setName] = useState("");
  const [parentFolderId, setParentFolderId] = useState<number | null>(null);
  const { pending, error, notice, run } = useAction();
  return (
    <div className="space-y-3">
      {folders.length + segments.length === 0 ? <p className="text-slate-600">{t("noSegments")}</p> : <Branch parentFolderId={null} folders={folders} segments={segments} parentSegmentId={parentSegmentId} />}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          run(() => createFolderAction({ parentSegmentId, parentFolderId, name }), () => t("folderCreated", { name }), () => setName(""));
        }}
      >
        <TextField label={t("folderName")} value={name} maxLength={100} error={error?.fieldErrors?.name} onChange={(e) => setName(e.target.value)} />
        <label className="text-sm">
          <span className="block font-medium text-slate-700">{t("inFolder")}</span>
          <select className="mt-1 rounded-md border border-slate-300 px-2 py-1.5" value={parentFolderId ?? ""} onChange={(e) => setParentFolderId(e.target.value ? Number(e.target.value) : null)}>
            <option value="">{t("topLevel")}</option>
            {folders.map((f) => (
              <option key={f.id} value={f.id}>
                {f.name}
              </option>
            ))}
          </select>
        </label>
        <Button type="submit" variant="secondary" disabled={pending}>
          {t("newFolder")}
        </Button>
        {notice ? <Alert kind="success">{notice}</Alert> : null}
      </form>
    </div>
  );
}
