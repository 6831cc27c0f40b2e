import type { Metadata } from "next";
import Link from "next/link";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { operationKinds } from "@/db/schema";
import { listOperations, operationFilterSchema, summariseOperations, type OperationFilter } from "@/lib/admin/operations-log";
import { requireAdminPage } from "../require-admin";
import { TableHead } from "@/components/admin/table-head";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Operations · Admin" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

const chip =
  "rounded-full border border-line bg-card px-3 py-1 text-sm aria-[current=page]:border-accent aria-[current=page]:bg-accent aria-[current=page]:text-white";
const when = (iso: string) => iso.replace("T", " ").slice(0, 23);

function hrefFor(filter: OperationFilter): string {
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => typeof e[1] === "string")).toString();
  return query ? `/admin/operations?${query}` : "/admin/operations";
}

// GET /admin/operations?kind=&outcome=&order= – what the store did lately, and how it went.
export default async function AdminOperationsPage({ searchParams }: Props) {
  await requireAdminPage();
  const raw = await searchParams;
  const parsed = operationFilterSchema.safeParse({
    kind: [raw.kind].flat()[0] || undefined,
    outcome: [raw.outcome].flat()[0] || undefined,
    order: [raw.order].flat()[0] || undefined,
  });
  const filter = parsed.success ? parsed.data : {};
  const [summary, rows] = await Promise.all([summariseOperations(), listOperations(filter)]);
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Operations</h1>
      <p className="mt-2 max-w-3xl text-ink-soft">
        Every sign-in, order creation, payment step, shipment and data lookup, with its outcome and duration. The request id also appears in
        the logs of the app, the worker and the gateway calls.
      </p>
      {!parsed.success ? (
        <p role="alert" className="mt-2 text-sm font-medium text-red-800">
          Filter ignored: {parsed.error.issues[0]?.message}
        </p>
      ) : null}

      <section aria-labelledby="summary-heading" className={`${panelClass} mt-6 overflow-x-auto`}>
        <h2 id="summary-heading" className="font-serif text-xl font-bold">
          Last 24 hours
        </h2>
        <table className="mt-3 w-full text-left text-sm">
          <TableHead
            columns={[
              "Kind",
              { label: "Operations", align: "right" },
              { label: "Failed", align: "right" },
              { label: "95th percentile", align: "right" },
            ]}
          />
          <tbody>
            {summary.map((s) => (
              <tr key={s.kind} className="border-b border-line last:border-0">
                <th scope="row" className="py-2 pr-4 font-normal">
                  <code>{s.kind}</code>
                </th>
                <td className="py-2 pr-4 text-right tabular-nums">{s.total}</td>
                <td className={`py-2 pr-4 text-right tabular-nums ${s.failed > 0 ? "font-semibold text-red-800" : ""}`}>{s.failed}</td>
                <td className="py-2 text-right tabular-nums">{s.p95Ms === null ? "—" : `${s.p95Ms} ms`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <nav aria-label="Filter by kind" className="mt-6 flex flex-wrap gap-2">
        <Link
          href={hrefFor({ outcome: filter.outcome, order: filter.order })}
          aria-current={!filter.kind ? "page" : undefined}
          className={chip}
        >
          All kinds
        </Link>
        {operationKinds.map((kind) => (
          <Link key={kind} href={hrefFor({ ...filter, kind })} aria-current={filter.kind === kind ? "page" : undefined} className={chip}>
            {kind}
          </Link>
        ))}
      </nav>
      <nav aria-label="Filter by outcome" className="mt-2 flex flex-wrap gap-2">
        <Link
          href={hrefFor({ kind: filter.kind, order: filter.order })}
          aria-current={!filter.outcome ? "page" : undefined}
          className={chip}
        >
          Any outcome
        </Link>
        <Link
          href={hrefFor({ ...filter, outcome: "failed" })}
          aria-current={filter.outcome === "failed" ? "page" : undefined}
          className={chip}
        >
          Failed
        </Link>
        <Link
          href={hrefFor({ ...filter, outcome: "success" })}
          aria-current={filter.outcome === "success" ? "page" : undefined}
          className={chip}
        >
          Succeeded
        </Link>
        {filter.order ? (
          <Link className={textLinkClass} href={hrefFor({ kind: filter.kind, outcome: filter.outcome })}>
            All orders
          </Link>
        ) : null}
      </nav>

      <section aria-labelledby="ops-heading" className={`${panelClass} mt-4 overflow-x-auto`}>
        <h2 id="ops-heading" className="font-serif text-xl font-bold">
          Newest {rows.length}
          {filter.order ? ` for order ${filter.order.slice(0, 8).toUpperCase()}` : ""}
        </h2>
        {rows.length === 0 ? (
          <p className="mt-3 text-ink-soft">No operations match this filter.</p>
        ) : (
          <table className="mt-3 w-full text-left text-sm">
            <TableHead
              columns={["Time (UTC)", "Kind", "Operation", "Outcome", { label: "Duration", align: "right" }, "Order", "Request · error"]}
            />
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className={`border-b border-line align-top last:border-0 ${r.outcome === "failed" ? "bg-red-50" : ""}`}>
                  <td className="py-1.5 pr-3 whitespace-nowrap tabular-nums">{when(r.at)}</td>
                  <td className="py-1.5 pr-3">
                    <code className="text-xs">{r.kind}</code>
                  </td>
                  <td className="py-1.5 pr-3">{r.name}</td>
                  <td className={`py-1.5 pr-3 font-semibold ${r.outcome === "failed" ? "text-red-800" : "text-emerald-800"}`}>
                    {r.outcome}
                  </td>
                  <td className="py-1.5 pr-3 text-right tabular-nums">{r.durationMs} ms</td>
                  <td className="py-1.5 pr-3">
                    {r.orderId ? (
                      <Link className={textLinkClass} href={`/admin/orders/${r.orderId}`}>
                        {r.orderId.slice(0, 8).toUpperCase()}
                      </Link>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td className="py-1.5 text-xs break-all text-ink-soft">
                    {r.requestId ?? ""}
                    {r.error ? <span className="block text-red-800">{r.error}</span> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
