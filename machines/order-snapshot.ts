import { initialTransition } from "xstate";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import type { OrderSnapshot } from "./order-status";
import { pricedItems } from "./line-amounts";
import type { OrderContext } from "./order-types";

/** What orders.machine_snapshot holds: enough for machine.resolveState. */
export type StoredSnapshot = { value: OrderSnapshot["value"]; context: OrderContext };

/**
 * Upgrades from version N to N + 1, applied in order to snapshots stored by an
 * older machine. Add one whenever MACHINE_VERSION is bumped.
 */
export type SnapshotUpgrade = (stored: StoredSnapshot) => StoredSnapshot;
/**
 * v3: partial refunds. Lines carry their unit price (migration 0011 copies it
 * from order_items into stored snapshots; one it missed gets the subtotal
 * spread over the units), and the order counts the copies back on the shelf:
 * all of them once a whole refund before shipping returned them.
 */
export function upgradeRefundsV2(stored: StoredSnapshot): StoredSnapshot {
  const old = stored.context as Partial<OrderContext> & OrderContext;
  const items = pricedItems(old.items, old.subtotalCents);
  const restocked = old.restocked ?? (old.stock === "returned" ? items.map((i) => ({ bookId: i.bookId, quantity: i.quantity })) : []);
  return { ...stored, context: { ...old, items, restocked } };
}

/** v3: delivery and returns. No tracking, delivery or returns yet (the items' prices: upgradeRefundsV2). */
export function upgradeDeliveryV2(stored: StoredSnapshot): StoredSnapshot {
  const old = stored.context as Partial<OrderContext> & OrderContext;
  return {
    ...stored,
    context: { ...old, tracking: old.tracking ?? [], deliveredAt: old.deliveredAt ?? null, returns: old.returns ?? [] },
  };
}

/** v3: disputes. Orders stored before them had none. */
export function upgradeDisputesV2(stored: StoredSnapshot): StoredSnapshot {
  const old = stored.context as Partial<OrderContext> & OrderContext;
  return { ...stored, context: { ...old, disputes: old.disputes ?? [] } };
}

/** v4: pause and resume, and the "ship by hand" queue. Orders stored before them were running and never handed over. */
export function upgradePauseV3(stored: StoredSnapshot): StoredSnapshot {
  const old = stored.context as Partial<OrderContext> & OrderContext;
  return { ...stored, context: { ...old, paused: old.paused ?? null, shipByHand: old.shipByHand ?? null } };
}

/** v5: a delayed payment (created.paymentDelayed). Orders stored before it were never delayed. */
export function upgradeDelayV4(stored: StoredSnapshot): StoredSnapshot {
  const old = stored.context as Partial<OrderContext> & OrderContext;
  return { ...stored, context: { ...old, paymentDelay: old.paymentDelay ?? null } };
}

export const snapshotUpgrades: Record<number, SnapshotUpgrade> = {
  // v2: shipping, tax and discounts. Older orders offered no shipping; what they were paid is their total.
  1: (stored) => {
    const old = stored.context as Partial<OrderContext> & OrderContext;
    return {
      ...stored,
      context: {
        ...old,
        subtotalCents: old.subtotalCents ?? old.totalCents,
        shippingOptions: old.shippingOptions ?? [],
        sale: old.sale ?? null,
      },
    };
  },
  // v3: partial refunds, delivery and returns, disputes.
  2: (stored) => upgradeDisputesV2(upgradeDeliveryV2(upgradeRefundsV2(stored))),
  // v4: pause and resume, ship by hand.
  3: upgradePauseV3,
  // v5: the payment delayed while the gateway is down.
  4: upgradeDelayV4,
};

export function toStored(snapshot: OrderSnapshot): StoredSnapshot {
  return { value: snapshot.value, context: snapshot.context };
}

export function initialSnapshot(): OrderSnapshot {
  return initialTransition(orderMachine)[0];
}

export function loadSnapshot(
  stored: StoredSnapshot,
  storedVersion: number,
  options: { currentVersion?: number; upgrades?: Record<number, SnapshotUpgrade> } = {},
): OrderSnapshot {
  const currentVersion = options.currentVersion ?? MACHINE_VERSION;
  const upgrades = options.upgrades ?? snapshotUpgrades;
  if (storedVersion > currentVersion) {
    throw new Error(`order snapshot is from machine v${storedVersion}, newer than this code (v${currentVersion})`);
  }
  let upgraded = stored;
  for (let version = storedVersion; version < currentVersion; version++) {
    const upgrade = upgrades[version];
    if (!upgrade) throw new Error(`no upgrade for order snapshots from machine v${version} to v${version + 1}`);
    upgraded = upgrade(upgraded);
  }
  return orderMachine.resolveState(upgraded);
}
