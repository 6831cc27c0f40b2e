// One SIGINT/SIGTERM handler per process that runs cleanup hooks in order
// (workers first, then connection pools, then the embedded database), then exits.

type Hook = { order: number; run: () => Promise<void> | void };

const holder = globalThis as typeof globalThis & { __bookstoreShutdown?: { hooks: Hook[]; installed: boolean; stopping?: boolean } };
const state = (holder.__bookstoreShutdown ??= { hooks: [], installed: false });

export const shutdownOrder = { worker: 10, server: 20, pool: 30, database: 40 } as const;

export function onShutdown(order: number, run: Hook["run"]): void {
  state.hooks.push({ order, run });
  if (state.installed) return;
  state.installed = true;
  let running = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (running) return;
      running = true;
      // A graceful stop on request is a clean exit.
      void runShutdownHooks().finally(() => process.exit(0));
    });
  }
}

export function isShuttingDown(): boolean {
  return state.stopping === true;
}

export async function runShutdownHooks(): Promise<void> {
  state.stopping = true;
  const hooks = [...state.hooks].sort((a, b) => a.order - b.order);
  state.hooks = [];
  for (const hook of hooks) {
    try {
      await hook.run();
    } catch (error) {
      console.error("shutdown hook failed", error);
    }
  }
}
