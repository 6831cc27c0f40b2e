import type { TaskList } from "graphile-worker";

// Every external effect of the order machine is a task here; the engine
// enqueues them inside its transactions (see lib/orders/dispatch.ts).
export const taskList: TaskList = {};

// graphile-worker crontab: periodic jobs (reconciliation).
export const crontab = "";
