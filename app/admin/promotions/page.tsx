import type { Metadata } from "next";
import { DeactivatePromotionCode, PromotionCodeForm } from "@/components/admin/promotion-code-form";
import { TableHead } from "@/components/admin/table-head";
import { formatPrice } from "@/components/price";
import { panelClass } from "@/components/ui-classes";
import { listPromotionCodes } from "@/lib/payments/promotion-codes";
import type { PromotionCodeInfo } from "@/lib/payments/gateway";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Promotion codes · Admin" };

const off = (code: PromotionCodeInfo) =>
  code.percentOff !== null
    ? `${code.percentOff}% off`
    : code.amountOffCents !== null
      ? `${formatPrice(code.amountOffCents, code.currency ?? "usd")} off`
      : "—";

// GET /admin/promotions – operators: the gateway's promotion codes, a form to create one, deactivation.
export default async function AdminPromotionsPage() {
  await requireAdminPage();
  const codes = await listPromotionCodes();
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Promotion codes</h1>
      <p className="mt-2 text-sm text-ink-soft">
        Shoppers type these on the payment page. The discount applies to the books, never to shipping; an order stores the code and the
        discount it was paid with.
      </p>
      <section aria-labelledby="new-code" className={`${panelClass} mt-6`}>
        <h2 id="new-code" className="text-xl font-semibold">
          New code
        </h2>
        <div className="mt-4">
          <PromotionCodeForm />
        </div>
      </section>
      <section aria-labelledby="codes" className={`${panelClass} mt-6`}>
        <h2 id="codes" className="text-xl font-semibold">
          Codes ({codes.length})
        </h2>
        <table className="mt-3 w-full text-left text-sm">
          <TableHead columns={["Code", "Discount", "Last day", { label: "Used", align: "right" }, "Status", ""]} />
          <tbody className="divide-y divide-line">
            {codes.map((code) => (
              <tr key={code.id} data-testid={`promotion-${code.code}`}>
                <th scope="row" className="py-2 pr-4 text-left font-mono font-semibold">
                  {code.code}
                </th>
                <td className="py-2 pr-4">{off(code)}</td>
                <td className="py-2 pr-4">{code.expiresAt ? new Date(code.expiresAt).toISOString().slice(0, 10) : "—"}</td>
                <td className="py-2 pr-4 text-right tabular-nums">
                  {code.timesRedeemed}
                  {code.maxRedemptions ? ` / ${code.maxRedemptions}` : ""}
                </td>
                <td className="py-2 pr-4">{code.active ? "Active" : "Inactive"}</td>
                <td className="py-2">{code.active ? <DeactivatePromotionCode id={code.id} code={code.code} /> : null}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </div>
  );
}
