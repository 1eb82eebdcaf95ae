"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { deleteParentSegmentAction, deleteSegmentAction } from "@/lib/audiences/actions";
import { ConfirmDeleteButton } from "@/components/ui/confirm-delete-button";

export function DeleteParentSegmentButton({ id, name }: { id: number; name: string }) {
  const t = useTranslations("audiences");
  const router = useRouter();
  return <ConfirmDeleteButton text={t("deleteParent")} label={t("deleteParentNamed", { name })} confirmText={t("confirmDeleteParent", { name })} call={() => deleteParentSegmentAction({ id })} done={t("parentDeleted", { name })} after={() => router.push("/audiences")} />;
}

export function DeleteSegmentButton({ id, name, parentSegmentId }: { id: number; name: string; parentSegmentId: number }) {
  const t = useTranslations("audiences");
  const router = useRouter();
  return <ConfirmDeleteButton text={t("deleteSegment")} label={t("deleteSegmentNamed", { name })} confirmText={t("confirmDeleteSegment", { name })} call={() => deleteSegmentAction({ id })} done={t("segmentDeleted", { name })} after={() => router.push(`/audiences/${parentSegmentId}`)} />;
}
