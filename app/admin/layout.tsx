import type { ReactNode } from "react";
import { AdminNav } from "@/components/admin/admin-nav";
import { requireAdminPage } from "./require-admin";

// Every /admin page: operators only (404 for everybody else, as the API does), one sub-navigation.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireAdminPage();
  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-serif text-sm font-bold tracking-wide text-ink-soft uppercase">Operator console</p>
        <p className="text-sm text-ink-soft">Signed in as {user.email}</p>
      </div>
      <AdminNav />
      {children}
    </>
  );
}
