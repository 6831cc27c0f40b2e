import type { Metadata } from "next";
import Link from "next/link";
import { HookAction, HookEndpointForm } from "@/components/admin/hook-forms";
import { TableHead } from "@/components/admin/table-head";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { listHookEndpoints } from "@/lib/hooks/endpoints";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Outbound hooks · Admin" };

// GET /admin/hooks – operators: register endpoints for order events, see how their deliveries go.
export default async function AdminHooksPage() {
  await requireAdminPage();
  const endpoints = await listHookEndpoints();
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Outbound hooks</h1>
      <p className="mt-2 text-sm text-ink-soft">
        Other systems (a warehouse, an accounting package) hear about orders here: each order event is sent to the endpoints that subscribe
        to it as signed JSON, at least once, retried with backoff. An endpoint that keeps failing is disabled; its deliveries wait until you
        enable it.
      </p>
      <section aria-labelledby="new-endpoint" className={`${panelClass} mt-6`}>
        <h2 id="new-endpoint" className="text-xl font-semibold">
          New endpoint
        </h2>
        <div className="mt-4">
          <HookEndpointForm />
        </div>
      </section>
      <section aria-labelledby="endpoints" className={`${panelClass} mt-6`}>
        <h2 id="endpoints" className="text-xl font-semibold">
          Endpoints ({endpoints.length})
        </h2>
        {endpoints.length === 0 ? (
          <p className="mt-3 text-sm text-ink-soft">No endpoints yet.</p>
        ) : (
          <table className="mt-3 w-full text-left text-sm">
            <TableHead
              columns={["URL", "Events", "Status", { label: "Delivered", align: "right" }, { label: "Waiting", align: "right" }, ""]}
            />
            <tbody className="divide-y divide-line">
              {endpoints.map((endpoint) => (
                <tr key={endpoint.id} data-testid="hook-endpoint">
                  <th scope="row" className="py-2 pr-4 text-left font-normal">
                    <Link href={`/admin/hooks/${endpoint.id}`} className={`${textLinkClass} font-mono break-all`}>
                      {endpoint.url}
                    </Link>
                    {endpoint.description ? <span className="block text-xs text-ink-soft">{endpoint.description}</span> : null}
                  </th>
                  <td className="py-2 pr-4 font-mono text-xs">
                    {endpoint.eventTypes.includes("*") ? "all" : endpoint.eventTypes.join(", ")}
                  </td>
                  <td className="py-2 pr-4">
                    {endpoint.enabled ? (
                      endpoint.consecutiveFailures > 0 ? (
                        `Enabled, ${endpoint.consecutiveFailures} failing in a row`
                      ) : (
                        "Enabled"
                      )
                    ) : (
                      <span className="font-semibold text-red-800">Disabled</span>
                    )}
                  </td>
                  <td className="py-2 pr-4 text-right tabular-nums">{endpoint.deliveries.succeeded}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">
                    {endpoint.deliveries.pending + endpoint.deliveries.held}
                    {endpoint.deliveries.failed > 0 ? ` (+${endpoint.deliveries.failed} failed)` : ""}
                  </td>
                  <td className="py-2">
                    {endpoint.enabled ? (
                      <HookAction
                        path={`/api/admin/hooks/${endpoint.id}/disable`}
                        label="Disable"
                        description={`Disable ${endpoint.url}`}
                      />
                    ) : (
                      <HookAction path={`/api/admin/hooks/${endpoint.id}/enable`} label="Enable" description={`Enable ${endpoint.url}`} />
                    )}
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
