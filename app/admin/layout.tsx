import type { ReactNode } from "react";
import Link from "next/link";
import { AdminNav } from "@/components/admin/admin-nav";
import { countOrdersNeedingAttention } from "@/lib/admin/order-overview";
import { webhookSignatureHealth } from "@/lib/payments/webhook-health";
import { requireAdminPage } from "./require-admin";

// Every /admin page: operators only (404 for everybody else, as the API does), one sub-navigation.
export default async function AdminLayout({ children }: { children: ReactNode }) {
  const user = await requireAdminPage();
  const [paused, signatures] = await Promise.all([countOrdersNeedingAttention(), webhookSignatureHealth()]);
  return (
    <>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-serif text-sm font-bold tracking-wide text-ink-soft uppercase">Operator console</p>
        <p className="text-sm text-ink-soft">Signed in as {user.email}</p>
      </div>
      {paused > 0 ? (
        <p role="alert" className="mb-3 rounded-md border border-red-300 bg-red-50 px-4 py-2 text-sm font-semibold text-red-900">
          {paused === 1 ? "1 order needs an operator" : `${paused} orders need an operator`}: automation gave up after repeated failures.{" "}
          <Link href="/admin/orders" className="underline underline-offset-2">
            See them
          </Link>
        </p>
      ) : null}
      {signatures.alerting ? (
        <p role="alert" className="mb-3 rounded-md border border-red-300 bg-red-50 px-4 py-2 text-sm font-semibold text-red-900">
          Webhooks are failing signature checks: check STRIPE_WEBHOOK_SECRET.{" "}
          <span className="font-normal">
            {signatures.failures} refused in the last {signatures.windowMinutes} minutes. Until it is fixed, the store learns about payments
            only from the return page and the reconciler (every minute).
          </span>
        </p>
      ) : null}
      <AdminNav />
      {children}
    </>
  );
}
