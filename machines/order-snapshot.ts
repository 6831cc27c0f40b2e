import { initialTransition } from "xstate";
import { MACHINE_VERSION, orderMachine } from "./order-machine";
import type { OrderSnapshot } from "./order-status";
import type { OrderContext } from "./order-types";

/** What orders.machine_snapshot holds: enough for machine.resolveState. */
export type StoredSnapshot = { value: OrderSnapshot["value"]; context: OrderContext };

/**
 * Upgrades from version N to N + 1, applied in order to snapshots stored by an
 * older machine. Add one whenever MACHINE_VERSION is bumped.
 */
export type SnapshotUpgrade = (stored: StoredSnapshot) => StoredSnapshot;
/** v3: disputes. Orders stored before them had none. */
export function upgradeDisputesV2(stored: StoredSnapshot): StoredSnapshot {
  const old = stored.context as Partial<OrderContext> & OrderContext;
  return { ...stored, context: { ...old, disputes: old.disputes ?? [] } };
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
  2: upgradeDisputesV2,
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
