// A CPU profile of this process around one piece of work (node:inspector's
// sampling profiler, the one `node --cpu-prof` writes), summarised as the
// functions and the packages where the samples landed (self time).
import { Session } from "node:inspector/promises";

type ProfileNode = {
  id: number;
  children?: number[];
  hitCount?: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
};
export type Profile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples?: number[]; timeDeltas?: number[] };

export type ProfileSummary = {
  /** Sampled time in ms. */
  totalMs: number;
  /** Self time by function, largest first: "12.3% list_books db/x.ts:10". */
  topFrames: { share: number; ms: number; frame: string }[];
  /** Self time by package or area: node_modules/<package>, our top-level folder, node internals, (gc), (idle). */
  byArea: { share: number; ms: number; area: string }[];
};

/** The package or folder a frame's URL belongs to (`root`: the project's directory). */
export function areaOf(url: string, functionName: string, root = process.cwd()): string {
  if (!url) return functionName.startsWith("(") ? functionName : "(native)";
  const modules = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (modules) return modules[1]!;
  if (url.startsWith("node:")) return "node internals";
  const file = url.replace(/^file:\/\//, "");
  const inProject = file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file.replace(/^\//, "");
  const folder = inProject.match(/^(app|bench|db|lib|machines|scripts|stripe-emulator|carrier-simulator|test)\//);
  return folder ? `${folder[1]}/` : "other";
}

/** "name file:line" for a profile's call frame, the file relative to node_modules or the project. */
export function callFrameName({ functionName, url, lineNumber }: ProfileNode["callFrame"], root: string): string {
  const file = url
    .replace(/^file:\/\//, "")
    .replace(/^.*node_modules\//, "")
    .replace(`${root}/`, "");
  return `${functionName || "(anonymous)"} ${file}:${lineNumber + 1}`;
}

export function summarise(profile: Profile, top = 15, root = process.cwd()): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    // Each sample's time is the delta to the next one.
    const ms = (deltas[i + 1] ?? 0) / 1000;
    selfMs.set(samples[i]!, (selfMs.get(samples[i]!) ?? 0) + ms);
  }
  const totalMs = [...selfMs.values()].reduce((a, b) => a + b, 0) || 1;
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    const name = callFrameName(node.callFrame, root);
    frames.set(name, (frames.get(name) ?? 0) + ms);
    const area = areaOf(node.callFrame.url, node.callFrame.functionName, root);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  const ranked = <K extends string>(m: Map<string, number>, key: K) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .map(
        ([name, ms]) =>
          ({ share: Number(((ms / totalMs) * 100).toFixed(1)), ms: Number(ms.toFixed(1)), [key]: name }) as {
            share: number;
            ms: number;
          } & Record<K, string>,
      );
  return { totalMs: Number(totalMs.toFixed(1)), topFrames: ranked(frames, "frame").slice(0, top), byArea: ranked(areas, "area") };
}

/**
 * The samples of `profile` taken inside any of `windows` (µs on the
 * monotonic clock, as process.hrtime and V8's profiler both read it, so a
 * bench can mark the phases of a server it profiles): one phase's profile
 * out of a whole server run. Each sample keeps its own time.
 */
export function withinWindows(profile: Profile, windows: { fromUs: number; toUs: number }[]): Profile {
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const kept: number[] = [];
  const keptDeltas: number[] = [0];
  let at = profile.startTime;
  for (let i = 0; i < samples.length; i++) {
    at += deltas[i] ?? 0;
    if (!windows.some((w) => at >= w.fromUs && at < w.toUs)) continue;
    kept.push(samples[i]!);
    keptDeltas.push(deltas[i + 1] ?? 0); // summarise reads sample i's time at i + 1
  }
  return { ...profile, samples: kept, timeDeltas: keptDeltas };
}

/** Profiles `work` (sampling every `intervalUs` microseconds) and summarises where its CPU went. */
export async function profiled<T>(
  work: () => Promise<T>,
  intervalUs = 100,
): Promise<{ result: T; summary: ProfileSummary; profile: Profile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post("Profiler.enable");
    await session.post("Profiler.setSamplingInterval", { interval: intervalUs });
    await session.post("Profiler.start");
    const result = await work();
    const { profile } = (await session.post("Profiler.stop")) as { profile: Profile };
    return { result, summary: summarise(profile), profile };
  } finally {
    session.disconnect();
  }
}

/**
 * Total (self + callees) time per function, in ms: each sample counts once for
 * every function on its stack. `name` names a frame; a frame it names
 * undefined is left out (and a sample whose own frame it leaves out is not
 * counted at all: idle time, for instance).
 */
export function inclusiveMs(profile: Profile, name: (frame: ProfileNode["callFrame"]) => string | undefined): Map<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const out = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    if (name(byId.get(samples[i]!)!.callFrame) === undefined) continue;
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const seen = new Set<string>();
    for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
      const frame = name(byId.get(id)!.callFrame);
      if (frame === undefined || seen.has(frame)) continue;
      seen.add(frame);
      out.set(frame, (out.get(frame) ?? 0) + ms);
    }
  }
  return out;
}
