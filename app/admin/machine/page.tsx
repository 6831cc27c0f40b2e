import type { Metadata } from "next";
import { MachineDiagram } from "@/components/admin/machine-diagram";
import { countOrdersByState } from "@/lib/admin/machine-overview";
import { MACHINE_VERSION } from "@/machines/order-machine";
import { requireAdminPage } from "../require-admin";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Order machine · Admin" };

// GET /admin/machine – the order machine as the code defines it, with the orders in each state now.
export default async function AdminMachinePage() {
  await requireAdminPage();
  const counts = await countOrdersByState();
  return (
    <div className="mx-auto max-w-6xl py-8">
      <h1 className="font-serif text-3xl font-bold text-ink">Order machine</h1>
      <p className="mt-2 max-w-3xl text-ink-soft">
        Drawn from the machine’s definition (version {MACHINE_VERSION}): each box is a state with the number of orders in it now; each
        numbered arrow or badge is a transition listed below. A badge on a box is an event that state handles in place, or that a group of
        states handles for all of its states.
      </p>
      <div className="mt-6">
        <MachineDiagram counts={counts} />
      </div>
    </div>
  );
}
