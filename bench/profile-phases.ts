// npx tsx bench/profile-phases.ts <server.cpuprofile> <phases.jsonl> – where
// the app server's CPU went in each phase of `npm run bench -- --only webhooks`
// run with BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" and
// BENCH_PHASES=/tmp/phases.jsonl: the no-op phases and the webhook phases,
// each as the share of each area and the top functions (self time), and the
// busy (not idle) milliseconds per request.
import { readFileSync } from "node:fs";
import { summarise, withinWindows, type Profile } from "./lib/cpu-profile";

type Node = Profile["nodes"][number] & { children?: number[] };

/** Total (self + callees) time per function, each sample counted once per function on its stack. */
function inclusive(profile: Profile): Map<string, number> {
  const nodes = profile.nodes as Node[];
  const parent = new Map<number, number>();
  for (const n of nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const out = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
      const name = `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/\.next\//, ".next/")}:${lineNumber + 1}`;
      if (seen.has(name)) continue;
      seen.add(name);
      out.set(name, (out.get(name) ?? 0) + ms);
    }
  }
  return out;
}

type Window = { case: string; phase: "noop" | "webhooks"; fromUs: number; toUs: number };

const [profileFile, phasesFile, requestsArg] = process.argv.slice(2);
if (!profileFile || !phasesFile) {
  console.error("usage: npx tsx bench/profile-phases.ts <server.cpuprofile> <phases.jsonl> [requests per phase, default 520]");
  process.exit(2);
}
const profile = JSON.parse(readFileSync(profileFile, "utf8")) as Profile;
const windows = readFileSync(phasesFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Window);
const requestsPerPhase = Number(requestsArg ?? 520);

for (const name of ["noop", "webhooks"] as const) {
  const mine = windows.filter((w) => w.phase === name);
  const summary = summarise(withinWindows(profile, mine), 25);
  const busy = summary.byArea.filter((a) => a.area !== "(idle)");
  const busyMs = busy.reduce((sum, a) => sum + a.ms, 0) || 1;
  const share = (ms: number) => `${((ms / busyMs) * 100).toFixed(0)}%`.padStart(4);
  const requests = mine.length * requestsPerPhase;
  console.log(`\n${name}: ${mine.length} phases, busy ${busyMs.toFixed(0)} ms, ${(busyMs / requests).toFixed(2)} ms per request`);
  console.log(
    busy
      .slice(0, 12)
      .map((a) => `  ${share(a.ms)} ${a.area}`)
      .join("\n"),
  );
  const total = [...inclusive(withinWindows(profile, mine))].sort((a, b) => b[1] - a[1]);
  console.log("  total time (self + callees), per request:");
  console.log(
    total
      .slice(0, 40)
      .map(([frame, ms]) => `  ${(ms / requests).toFixed(3).padStart(6)} ms ${frame}`)
      .join("\n"),
  );
  console.log("  self time:");
  console.log(
    summary.topFrames
      .filter((f) => !f.frame.startsWith("(idle)"))
      .slice(0, 20)
      .map((f) => `  ${share(f.ms)} ${f.frame}`)
      .join("\n"),
  );
}
