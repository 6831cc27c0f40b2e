// Where a piece of work allocates: V8's sampling heap profiler (the one
// DevTools' "allocation sampling" uses) around it, counting also what the
// garbage collector has already reclaimed, so the figures are bytes allocated,
// not bytes still alive. Garbage is what a webhook's collections cost (about
// a millisecond of the server's CPU a webhook, docs/BENCHMARKS.md, issue 22).
import { Session } from "node:inspector/promises";
import { areaOf, callFrameName } from "./cpu-profile";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type HeapNode = { callFrame: CallFrame; selfSize: number; id: number; children: HeapNode[] };
export type HeapProfile = { head: HeapNode };

export type AllocationSummary = {
  /** Bytes sampled in all. */
  totalBytes: number;
  /** Self bytes by function, largest first. */
  topFrames: { bytes: number; frame: string }[];
  /** Self bytes by package or folder (areaOf), largest first. */
  byArea: { bytes: number; area: string }[];
};

/** The profile's self bytes per function and per area. */
export function summariseAllocations(profile: HeapProfile, top = 25, root = process.cwd()): AllocationSummary {
  const frames = new Map<string, number>();
  const areas = new Map<string, number>();
  let totalBytes = 0;
  const stack = [profile.head];
  while (stack.length > 0) {
    const node = stack.pop()!;
    stack.push(...node.children);
    if (node.selfSize === 0) continue;
    totalBytes += node.selfSize;
    const frame = callFrameName(node.callFrame, root);
    frames.set(frame, (frames.get(frame) ?? 0) + node.selfSize);
    const area = areaOf(node.callFrame.url, node.callFrame.functionName, root);
    areas.set(area, (areas.get(area) ?? 0) + node.selfSize);
  }
  const ranked = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return {
    totalBytes,
    topFrames: ranked(frames)
      .slice(0, top)
      .map(([frame, bytes]) => ({ bytes, frame })),
    byArea: ranked(areas).map(([area, bytes]) => ({ bytes, area })),
  };
}

/** Runs `work` under the sampling heap profiler (a sample every `intervalBytes` on average). */
export async function allocationsOf<T>(work: () => Promise<T>, intervalBytes = 4096): Promise<{ result: T; profile: HeapProfile }> {
  const session = new Session();
  session.connect();
  try {
    await session.post("HeapProfiler.enable");
    await session.post("HeapProfiler.startSampling", {
      samplingInterval: intervalBytes,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    const result = await work();
    const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: HeapProfile };
    return { result, profile };
  } finally {
    session.disconnect();
  }
}
