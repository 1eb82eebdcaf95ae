import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireUser } from "@/lib/auth/guard";
import { listParentSegments } from "@/lib/audiences/parent-segments";
import { warehouseCatalog } from "@/lib/audiences/views";
import { DataTable } from "@/components/ui/table";
import { ParentSegmentForm } from "@/components/audiences/parent-segment-form";

export default async function AudienceStudioPage() {
  const user = await requireUser();
  const t = await getTranslations("audiences");
  const [parents, catalog] = await Promise.all([listParentSegments(user), warehouseCatalog()]);
  return (
    <div className="max-w-6xl space-y-4">
      <div>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p className="text-slate-600">{t("intro")}</p>
      </div>
      {parents.length === 0 ? (
        <p className="text-slate-600">{t("noParents")}</p>
      ) : (
        <DataTable caption={t("parentsCaption")} columns={[{ label: t("audienceId"), numeric: true }, { label: t("colName") }, { label: t("colTable") }, { label: t("colKey") }, { label: t("colAttributes") }, { label: t("colSegments"), numeric: true }, { label: t("colOwner"), hidden: user.role !== "admin" }]}>
          {parents.map((p) => (
            <tr key={p.id} className="border-t border-slate-200">
              <td className="px-3 py-2 text-right font-mono">{p.id}</td>
              <td className="px-3 py-2">
                <Link href={`/audiences/${p.id}`} className="font-medium underline">
                  {p.name}
                </Link>
              </td>
              <td className="px-3 py-2 font-mono">
                {p.database}.{p.table}
              </td>
              <td className="px-3 py-2 font-mono">{p.keyColumn}</td>
              <td className="px-3 py-2 font-mono text-xs">{p.attributes.filter((a) => a.name !== p.keyColumn).map((a) => a.name).join(", ")}</td>
              <td className="px-3 py-2 text-right">{p._count.segments}</td>
              {user.role === "admin" ? <td className="px-3 py-2">{p.owner.email}</td> : null}
            </tr>
          ))}
        </DataTable>
      )}
      <ParentSegmentForm catalog={catalog} />
    </div>
  );
}
