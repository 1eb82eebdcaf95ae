import { requireUser } from "@/lib/auth/guard";

// The role check sits in the layout, above any loading boundary, so a marketer gets a real
// HTTP 403 before anything is streamed. Pages below check again (layouts are kept across
// client-side navigations).
export default async function AdminLayout({ children }: { children: React.ReactNode }) {
  await requireUser("admin");
  return children;
}
