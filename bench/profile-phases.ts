// npx tsx bench/profile-phases.ts <server.cpuprofile> <phases.jsonl> – where
// the app server's CPU went in each phase of `npm run bench -- --only webhooks`
// run with BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" and
// BENCH_PHASES=/tmp/phases.jsonl: the no-op phases and the webhook phases,
// each as the share of each area and the top functions (self time), and the
// busy (not idle) milliseconds per request.
import { readFileSync } from "node:fs";
import { inclusiveMs, summarise, withinWindows, type Profile } from "./lib/cpu-profile";

/** Total (self + callees) time per function, each sample counted once per function on its stack. */
const inclusive = (profile: Profile) =>
  inclusiveMs(
    profile,
    ({ functionName, url, lineNumber }) =>
      `${functionName || "(anonymous)"} ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*\/\.next\//, ".next/")}:${lineNumber + 1}`,
  );

type Window = { case: string; phase: "noop" | "webhooks"; fromUs: number; toUs: number; requests?: number; servers?: number[] };

const [profileFile, phasesFile, requestsArg] = process.argv.slice(2);
if (!profileFile || !phasesFile) {
  console.error(
    "usage: npx tsx bench/profile-phases.ts <server.cpuprofile> <phases.jsonl> [requests per phase, default 520: for phases files that do not say]",
  );
  process.exit(2);
}
const profile = JSON.parse(readFileSync(profileFile, "utf8")) as Profile;
const windows = readFileSync(phasesFile, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => JSON.parse(line) as Window)
  // One server's profile: a case spread over two servers (its phases name both) would charge it all their requests.
  .filter((w) => (w.servers?.length ?? 1) === 1);
/** Phases files written since session 35 say their request count; older ones take the argument. */
const requestsPerPhase = Number(requestsArg ?? 520);

for (const name of ["noop", "webhooks"] as const) {
  const mine = windows.filter((w) => w.phase === name);
  const summary = summarise(withinWindows(profile, mine), 25);
  const busy = summary.byArea.filter((a) => a.area !== "(idle)");
  const busyMs = busy.reduce((sum, a) => sum + a.ms, 0) || 1;
  const share = (ms: number) => `${((ms / busyMs) * 100).toFixed(0)}%`.padStart(4);
  const requests = mine.reduce((sum, w) => sum + (w.requests ?? requestsPerPhase), 0);
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
