/**
 * The left navigation, in Treasure Data's order: Integrations Hub, Data Workbench, Audience
 * Studio, Workflows, Jobs, Admin. Only pages that exist are linked; features add theirs here.
 */
export interface NavSection {
  key: string;
  href?: string;
  role?: "admin";
  items: { key: string; href: string }[];
}

export const NAV_SECTIONS: NavSection[] = [
  { key: "home", href: "/", items: [] },
  {
    key: "integrationsHub",
    items: [
      { key: "catalog", href: "/integrations/catalog" },
      { key: "authentications", href: "/integrations/authentications" },
    ],
  },
  {
    key: "dataWorkbench",
    items: [
      { key: "databases", href: "/workbench/databases" },
      { key: "queries", href: "/workbench/queries" },
    ],
  },
  { key: "audienceStudio", items: [{ key: "parentSegments", href: "/audiences" }] },
  { key: "workflows", items: [{ key: "projects", href: "/workflows" }] },
  { key: "jobs", href: "/jobs", items: [] },
  { key: "outbox", href: "/outbox", items: [] },
  { key: "account", items: [{ key: "apiKeys", href: "/account/api-keys" }] },
  { key: "admin", role: "admin", items: [{ key: "users", href: "/admin/users" }, { key: "kakaoDoctor", href: "/admin/kakao-doctor" }] },
];
