// npx tsx bench/perf-phases.ts <perf-script.txt> <phases.jsonl> [hz, default 999] – the whole
// machine's CPU in each phase of `npm run bench -- --only webhooks`, per request, webhook
// against no-op: the app server's main thread and its other threads (V8's compiler and
// garbage collector), split into compiling, collecting and the rest; the kernel's share;
// PostgreSQL's processes with their system calls; the load generator. Recorded with:
//
//   perf record -a -g -k CLOCK_MONOTONIC -F 999 -o /tmp/perf.data &       # the monotonic clock, as BENCH_PHASES
//   BENCH_SERVER_NODE_ARGS=--perf-basic-prof BENCH_PHASES=/tmp/phases.jsonl npm run bench -- --only webhooks
//   kill -INT %1; perf script -i /tmp/perf.data -F comm,pid,tid,time,ip,sym,dso > /tmp/perf.txt
//
// perf counts only time on a CPU, in every process and thread; node's own profiler
// (bench/profile-phases.ts) sees one thread, and counts a thread waiting for a CPU
// inside a system call as busy there.
import { createReadStream, readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { PerfScriptReader, PhaseTally, type Tally, type Window } from "./lib/perf-script";

const [scriptFile, phasesFile, hzArg] = process.argv.slice(2);
if (!scriptFile || !phasesFile) {
  console.error("usage: npx tsx bench/perf-phases.ts <perf-script.txt> <phases.jsonl> [sampling Hz, default 999]");
  process.exit(2);
}
const hz = Number(hzArg ?? 999);
const windows = readFileSync(phasesFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Window);
if (windows.some((w) => w.requests === undefined || w.servers === undefined))
  throw new Error(`${phasesFile}: each phase needs its requests and servers (written by bench/webhooks.ts since issue 22's session 35)`);

const reader = new PerfScriptReader();
const tally = new PhaseTally(windows);
for await (const line of createInterface({ input: createReadStream(scriptFile), crlfDelay: Infinity })) {
  const sample = reader.push(line);
  if (sample) tally.add(sample);
}
const last = reader.end();
if (last) tally.add(last);
if (tally.counted === 0) {
  console.error(
    `no sample of ${scriptFile} falls in a phase of ${phasesFile}: record with -k CLOCK_MONOTONIC, during that bench run, and print with perf script -F comm,pid,tid,time,ip,sym,dso`,
  );
  process.exit(1);
}
const tallies = tally.tallies;

/** Requests in every window of a case's phase (a case measures its no-op twice). */
const requestsIn = (caseName: string, phase: string) =>
  windows.filter((w) => w.case === caseName && w.phase === phase).reduce((sum, w) => sum + w.requests!, 0);
const perRequest = (samples: number, requests: number) => ((samples / hz) * 1000) / Math.max(1, requests);

for (const caseName of [...new Set(windows.map((w) => w.case))]) {
  const phases = ["webhooks", "noop"].map((phase) => ({
    tally: tallies.get(`${caseName}\t${phase}`),
    requests: requestsIn(caseName, phase),
  }));
  const both = (pick: (t: Tally) => number) =>
    phases.map(({ tally, requests }) => (tally ? perRequest(pick(tally), requests).toFixed(2) : "–")).join(" / ");
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  console.log(`\n${caseName}: CPU ms per request, webhook / no-op`);
  console.log(`  server, main thread      ${both((t) => sum(t.server.main))}`);
  console.log(`    compiling (JIT)        ${both((t) => t.server.main.jit)}`);
  console.log(`    garbage collection     ${both((t) => t.server.main.gc)}`);
  console.log(`  server, other threads    ${both((t) => sum(t.server.threads))}`);
  console.log(`    compiling (JIT)        ${both((t) => t.server.threads.jit)}`);
  console.log(`    garbage collection     ${both((t) => t.server.threads.gc)}`);
  // The system calls of the webhook phase, the costliest first (an interrupt or a page fault has none).
  const hooks = phases[0]!;
  const topCalls = (calls: Record<string, number> | undefined) => {
    const sorted = Object.entries(calls ?? {}).sort((a, b) => b[1] - a[1]);
    for (const [call, samples] of sorted.slice(0, 6))
      console.log(`      ${call.padEnd(20)} ${perRequest(samples, hooks.requests).toFixed(2)}`);
  };
  console.log(`  server, in the kernel    ${both((t) => t.server.kernel)}`);
  topCalls(hooks.tally?.server.syscalls);
  console.log(`  postgres (every process) ${both((t) => t.postgres.user + t.postgres.kernel)}`);
  console.log(`    in the kernel          ${both((t) => t.postgres.kernel)}`);
  topCalls(hooks.tally?.postgres.syscalls);
  console.log(`  load generator           ${both((t) => t.bench)}`);
  console.log(`  anything else            ${both((t) => t.other)}`);
  console.log(`  idle                     ${both((t) => t.idle)}`);
}
