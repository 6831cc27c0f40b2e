// Two app instances, each with its in-process worker, on one database; the
// gateway's webhooks spread over both; both killed at fault points. Same
// invariants as bench/chaos.ts.
import { runChaos } from "./chaos";
import type { BenchModule } from "./lib/types";

export const bench: BenchModule = { name: "chaos-two-instances", run: (size) => runChaos(2, size) };
