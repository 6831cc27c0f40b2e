import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { HookAction } from "@/components/admin/hook-forms";
import { HookDeleteAction, HookRollSecretAction } from "@/components/admin/hook-endpoint-actions";
import { TableHead } from "@/components/admin/table-head";
import { panelClass, textLinkClass } from "@/components/ui-classes";
import { env } from "@/lib/env";
import { getHookEndpoint, listHookDeliveries } from "@/lib/hooks/endpoints";
import { isUuid } from "@/lib/ids";
import { requireAdminPage } from "../../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Endpoint deliveries · Admin" };

const when = (iso: string | null) => (iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) : "—");

const statusText: Record<string, string> = {
  pending: "Waiting",
  succeeded: "Delivered",
  failed: "Gave up",
  held: "Held (endpoint disabled)",
};

// GET /admin/hooks/:id – one endpoint's newest deliveries; redeliver one; enable, disable or delete the endpoint; roll its secret.
export default async function AdminHookEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  await requireAdminPage();
  const { id } = await params;
  if (!isUuid(id)) notFound();
  const endpoint = await getHookEndpoint(id).catch(() => null);
  if (!endpoint) notFound();
  const deliveries = await listHookDeliveries(id);
  return (
    <div className="mx-auto max-w-6xl py-8">
      <p className="text-sm">
        <Link href="/admin/hooks" className={textLinkClass}>
          ← Outbound hooks
        </Link>
      </p>
      <h1 className="mt-2 font-serif text-3xl font-bold break-all text-ink">{endpoint.url}</h1>
      <p className="mt-2 text-sm text-ink-soft">
        {endpoint.description ? `${endpoint.description} · ` : ""}
        Events: {endpoint.eventTypes.includes("*") ? "all" : endpoint.eventTypes.join(", ")}
      </p>
      <div className={`${panelClass} mt-6 flex flex-wrap items-center justify-between gap-3`}>
        {endpoint.enabled ? (
          <p className="text-sm">
            <span className="font-semibold">Enabled.</span>{" "}
            {endpoint.consecutiveFailures > 0 ? `The last ${endpoint.consecutiveFailures} attempts failed.` : "The last attempt succeeded."}
          </p>
        ) : (
          <p role="alert" className="text-sm text-red-900">
            <span className="font-semibold">Disabled</span> since {when(endpoint.disabledAt)}: {endpoint.disabledReason}. Its deliveries are
            held until it is enabled.
          </p>
        )}
        <span className="inline-flex flex-wrap items-center gap-3">
          {endpoint.enabled ? (
            <HookAction path={`/api/admin/hooks/${endpoint.id}/disable`} label="Disable" description="Disable this endpoint" />
          ) : (
            <HookAction path={`/api/admin/hooks/${endpoint.id}/enable`} label="Enable and send held" description="Enable this endpoint" />
          )}
          <HookDeleteAction endpointId={endpoint.id} url={endpoint.url} waiting={endpoint.deliveries.pending + endpoint.deliveries.held} />
        </span>
      </div>
      <section aria-labelledby="signing-secret" className={`${panelClass} mt-6`}>
        <h2 id="signing-secret" className="text-xl font-semibold">
          Signing secret
        </h2>
        <p className="mt-2 text-sm text-ink-soft" data-testid="secret-state">
          {endpoint.previousSecretExpiresAt
            ? `Rolled ${when(endpoint.secretRolledAt)}: deliveries carry a signature with the old secret too until ${when(endpoint.previousSecretExpiresAt)}.`
            : endpoint.secretRolledAt
              ? `Last rolled ${when(endpoint.secretRolledAt)}. Deliveries are signed with the current secret only.`
              : "Set when the endpoint was registered. Deliveries are signed with it only."}{" "}
          Stored encrypted; it is shown only when it is made.
        </p>
        <div className="mt-3">
          <HookRollSecretAction endpointId={endpoint.id} graceHours={env().HOOK_SECRET_GRACE_HOURS} />
        </div>
      </section>
      <section aria-labelledby="deliveries" className={`${panelClass} mt-6`}>
        <h2 id="deliveries" className="text-xl font-semibold">
          Deliveries (newest {deliveries.length})
        </h2>
        {deliveries.length === 0 ? (
          <p className="mt-3 text-sm text-ink-soft">No order events sent here yet.</p>
        ) : (
          <table className="mt-3 w-full text-left text-sm">
            <TableHead columns={["Event", "Order", "Status", { label: "Attempts", align: "right" }, "Last answer", "Next attempt", ""]} />
            <tbody className="divide-y divide-line">
              {deliveries.map((delivery) => (
                <tr key={delivery.id} data-testid="hook-delivery" data-status={delivery.status}>
                  <th scope="row" className="py-2 pr-4 text-left font-normal">
                    <span className="font-mono text-xs font-semibold">{delivery.eventType}</span>
                    <span className="block font-mono text-xs text-ink-soft">{delivery.eventId}</span>
                  </th>
                  <td className="py-2 pr-4">
                    <Link href={`/admin/orders/${delivery.orderId}`} className={`${textLinkClass} font-mono text-xs`}>
                      {delivery.orderId.slice(0, 8)}
                    </Link>
                  </td>
                  <td className="py-2 pr-4">{statusText[delivery.status] ?? delivery.status}</td>
                  <td className="py-2 pr-4 text-right tabular-nums">{delivery.attempts}</td>
                  <td className="py-2 pr-4 text-xs">
                    {delivery.lastStatusCode ? `HTTP ${delivery.lastStatusCode}` : (delivery.lastError ?? "—")}
                    {delivery.lastStatusCode && delivery.lastError && delivery.lastError !== `HTTP ${delivery.lastStatusCode}`
                      ? ` ${delivery.lastError}`
                      : ""}
                    <span className="block text-ink-soft">{when(delivery.lastAttemptAt)}</span>
                  </td>
                  <td className="py-2 pr-4 text-xs">
                    {delivery.status !== "pending"
                      ? "—"
                      : delivery.nextAttemptAt
                        ? when(delivery.nextAttemptAt)
                        : "After the earlier events"}
                  </td>
                  <td className="py-2">
                    {endpoint.enabled ? (
                      <HookAction
                        path={`/api/admin/hooks/deliveries/${delivery.id}/redeliver`}
                        label="Redeliver"
                        description={`Redeliver ${delivery.eventType} ${delivery.eventId}`}
                      />
                    ) : null}
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
