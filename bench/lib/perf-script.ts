// The machine's on-CPU samples (Linux `perf record -a -g`, printed by
// `perf script -F comm,pid,tid,time,ip,sym,dso`), cut into a bench's phases
// and added up per process and per kind of work. Unlike node's own profiler
// (bench/lib/cpu-profile.ts), perf samples only what is running on a CPU,
// in every process and thread at once: the app server's compiler and
// garbage-collector threads, the kernel's side of its system calls, and
// PostgreSQL's backends (docs/BENCHMARKS.md, issue 22).

export type Frame = { sym: string; dso: string };
export type Sample = { comm: string; pid: number; tid: number; seconds: number; frames: Frame[] };

// "node  100/107  10.000200:" (perf right-aligns the command name when it prints no call chain,
// and puts the CPU, "[001]", before the time when asked for it).
const HEADER = /^\s*(\S.*?)\s+(\d+)\/(\d+)\s+(?:\[\d+\]\s+)?([\d.]+):/;
// "\t7f01 Builtins_LoadIC (/usr/bin/node)": the address, the symbol (which may itself hold " ("), the object.
const FRAME = /^\s*([0-9a-f]+)\s+(.*?)(?:\s+\(([^()]*)\))?\s*$/;

/** Reads `perf script` line by line; a sample is complete at the blank line after it, or at the next header. */
export class PerfScriptReader {
  private current: Sample | undefined;

  /** The sample this line completes, if any. */
  push(line: string): Sample | undefined {
    if (line.trim() === "") return this.end();
    const header = HEADER.exec(line);
    if (header) {
      const done = this.end();
      this.current = { comm: header[1]!.trim(), pid: Number(header[2]), tid: Number(header[3]), seconds: Number(header[4]), frames: [] };
      return done;
    }
    const frame = FRAME.exec(line);
    if (this.current && frame) this.current.frames.push({ sym: frame[2]!, dso: frame[3] ?? "" });
    return undefined;
  }

  /** The sample still being read (at the end of the text). */
  end(): Sample | undefined {
    const done = this.current;
    this.current = undefined;
    return done;
  }
}

/** Every sample of a `perf script` text, each with its call chain, leaf first. */
export function* parsePerfScript(lines: Iterable<string>): Generator<Sample> {
  const reader = new PerfScriptReader();
  for (const line of lines) {
    const sample = reader.push(line);
    if (sample) yield sample;
  }
  const last = reader.end();
  if (last) yield last;
}

/** A frame in the kernel: the kernel itself or one of its modules ("[xfs]"), not perf's "[unknown]", "[vdso]"… */
export const inKernel = (frame: Frame | undefined) =>
  frame !== undefined && /^\[.+\]$/.test(frame.dso) && !["[unknown]", "[vdso]", "[vsyscall]", "[JIT] tid"].includes(frame.dso);

export type Work = "jit" | "gc" | "other";

const JIT = /compiler::|maglev::|baseline::|Compiler::|CompileLazy|OptimizingCompileDispatcher|Deoptimizer/;
const GC = /Scaveng|MarkCompact|Marking|Sweep|Evacuat|GCTracer|v8::internal::Heap::|MinorMS|ConcurrentMarking/;

/** What a V8 sample is busy with: compiling (the JIT's tiers), collecting garbage, or anything else. */
export function workOf(frames: Frame[]): Work {
  if (frames.some((f) => JIT.test(f.sym))) return "jit";
  if (frames.some((f) => GC.test(f.sym))) return "gc";
  return "other";
}

/**
 * Why a kernel sample is in the kernel: its system call ("fdatasync"; named after the C
 * library's wrapper, "write", when the kernel's own frame is missing from the chain),
 * "(page fault)", or "(interrupt)" (anything else: an interrupt, the scheduler).
 */
export function kernelEntryOf(frames: Frame[]): string {
  const call = frames.find((f) => inKernel(f) && /^__(x64|do)_sys_/.test(f.sym));
  if (call) return call.sym.replace(/^__(x64|do)_sys_/, "");
  if (frames.some((f) => f.sym === "entry_SYSCALL_64_after_hwframe" || f.sym === "do_syscall_64")) {
    const wrapper = frames.find((f) => !inKernel(f));
    return wrapper ? wrapper.sym.replace(/^(__GI_)?_*(libc_)?/, "").replace(/@.*$/, "") : "(system call)";
  }
  if (frames.some((f) => f.sym === "asm_exc_page_fault" || f.sym === "exc_page_fault")) return "(page fault)";
  return "(interrupt)";
}

export type Window = { case: string; phase: string; fromUs: number; toUs: number; requests?: number; servers?: number[]; bench?: number };

export type Tally = {
  samples: number;
  server: { main: Record<Work, number>; threads: Record<Work, number>; kernel: number; syscalls: Record<string, number> };
  postgres: { user: number; kernel: number; syscalls: Record<string, number> };
  bench: number;
  idle: number;
  other: number;
};

const works = (): Record<Work, number> => ({ jit: 0, gc: 0, other: 0 });
const emptyTally = (): Tally => ({
  samples: 0,
  server: { main: works(), threads: works(), kernel: 0, syscalls: {} },
  postgres: { user: 0, kernel: 0, syscalls: {} },
  bench: 0,
  idle: 0,
  other: 0,
});

/**
 * Sample counts per window key ("<case>\t<phase>"): the servers' main and other
 * threads by work, PostgreSQL's processes (every one on the machine: user and
 * kernel, by system call), the load generator (the window's `bench` process),
 * the idle CPUs, everything else. Add samples one by one (`add`), then read `tallies`.
 */
export class PhaseTally {
  readonly tallies = new Map<string, Tally>();
  /** Samples that fell inside a window. */
  counted = 0;
  private readonly windows: Window[];

  constructor(windows: Window[]) {
    this.windows = [...windows].sort((a, b) => a.fromUs - b.fromUs);
  }

  add(sample: Sample): void {
    const us = sample.seconds * 1e6;
    const window = this.windows.find((w) => w.fromUs <= us && us <= w.toUs);
    if (!window) return;
    this.counted++;
    const key = `${window.case}\t${window.phase}`;
    let tally = this.tallies.get(key);
    if (!tally) this.tallies.set(key, (tally = emptyTally()));
    tally.samples++;
    const kernel = inKernel(sample.frames[0]);
    const countCall = (calls: Record<string, number>) => {
      const call = kernelEntryOf(sample.frames);
      calls[call] = (calls[call] ?? 0) + 1;
    };
    if (window.servers?.includes(sample.pid)) {
      tally.server[sample.tid === sample.pid ? "main" : "threads"][workOf(sample.frames)]++;
      if (kernel) {
        tally.server.kernel++;
        countCall(tally.server.syscalls);
      }
    } else if (sample.comm === "postgres") {
      tally.postgres[kernel ? "kernel" : "user"]++;
      if (kernel) countCall(tally.postgres.syscalls);
    } else if (sample.pid === window.bench) tally.bench++;
    else if (sample.pid === 0) tally.idle++;
    else tally.other++;
  }
}

/** PhaseTally over a whole set of samples. */
export function tallyByPhase(samples: Iterable<Sample>, windows: Window[]): Map<string, Tally> {
  const tally = new PhaseTally(windows);
  for (const sample of samples) tally.add(sample);
  return tally.tallies;
}
