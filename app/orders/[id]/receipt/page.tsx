import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OrderDocument } from "@/components/orders/receipt";
import { shortOrderId } from "@/components/orders/order-format";
import { PrintButton } from "@/components/print-button";
import { textLinkClass } from "@/components/ui-classes";
import { orderForPage } from "@/lib/orders/order-page-access";
import { wasPaid } from "@/lib/orders/order-view";

export const dynamic = "force-dynamic";

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Receipt for order ${shortOrderId((await params).id)}` };
}

/** The shopper's printable receipt (or a guest's, through the order's link): only for their own orders that took money (any other is 404, like a missing one). */
export default async function ReceiptPage({ params }: Props) {
  const { id } = await params;
  const { order } = await orderForPage(id, `/orders/${id}/receipt`);
  if (!wasPaid(order)) notFound();
  const paidAt = order.events.find((e) => e.type === "OrderPaid")?.at;
  return (
    <>
      <div className="mb-4 flex items-center justify-between gap-4 print:hidden">
        <Link href={`/orders/${order.id}`} className={textLinkClass}>
          ← Order {shortOrderId(order.id)}
        </Link>
        <PrintButton label="Print receipt" />
      </div>
      <OrderDocument order={order} kind="receipt" paidAt={paidAt} />
    </>
  );
}
