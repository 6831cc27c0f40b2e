import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OrderDocument } from "@/components/orders/receipt";
import { PrintButton } from "@/components/print-button";
import { textLinkClass } from "@/components/ui-classes";
import { isAppError } from "@/lib/errors";
import { getOrder, wasPaid, type OrderView } from "@/lib/orders/order-view";
import { requireAdminPage } from "../../../require-admin";

export const metadata: Metadata = { title: "Packing slip" };
export const dynamic = "force-dynamic";

/** Operators only (404 for everybody else): what goes in the parcel and where, for a paid order with an address. */
export default async function PackingSlipPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  let order: OrderView;
  try {
    order = await getOrder(id);
  } catch (error) {
    if (isAppError(error) && error.code === "not_found") notFound();
    throw error;
  }
  if (!wasPaid(order) || !order.shippingAddress) notFound();
  return (
    <div className="py-8">
      <div className="mx-auto mb-4 flex max-w-2xl items-center justify-between gap-4 print:hidden">
        <Link href={`/admin/orders/${order.id}`} className={textLinkClass}>
          ← Order
        </Link>
        <PrintButton label="Print packing slip" />
      </div>
      <OrderDocument order={order} kind="packing-slip" />
    </div>
  );
}
