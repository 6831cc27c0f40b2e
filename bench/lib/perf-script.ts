// The machine's on-CPU samples (Linux `perf record -a -g`, printed by
// `perf script -F comm,pid,tid,time,ip,sym,dso`), cut into a bench's phases
// and added up per process and per kind of work. Unlike node's own profiler
// (bench/lib/cpu-profile.ts), perf samples only what is running on a CPU,
// in every process and thread at once: the app server's compiler and
// garbage-collector threads, the kernel's side of its system calls, and
// PostgreSQL's backends (docs/BENCHMARKS.md, issue 22).

export type Frame = { sym: string; dso: string };
export type Sample = { comm: string; pid: number; tid: number; seconds: number; frames: Frame[] };

const HEADER = /^(\S.*?)\s+(\d+)\/(\d+)\s+([\d.]+):/;
const FRAME = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/;

/** Every sample of a `perf script` text, each with its call chain, leaf first. */
export function* parsePerfScript(lines: Iterable<string>): Generator<Sample> {
  let current: Sample | undefined;
  for (const line of lines) {
    if (line.trim() === "") {
      if (current) yield current;
      current = undefined;
      continue;
    }
    const header = line.startsWith("\t") || line.startsWith(" ") ? null : HEADER.exec(line);
    if (header) {
      if (current) yield current;
      current = { comm: header[1]!.trim(), pid: Number(header[2]), tid: Number(header[3]), seconds: Number(header[4]), frames: [] };
      continue;
    }
    const frame = FRAME.exec(line);
    if (current && frame) current.frames.push({ sym: frame[1]!, dso: frame[2]! });
  }
  if (current) yield current;
}

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
  const call = frames.find((f) => f.dso === "[kernel.kallsyms]" && /^__(x64|do)_sys_/.test(f.sym));
  if (call) return call.sym.replace(/^__(x64|do)_sys_/, "");
  if (frames.some((f) => f.sym === "entry_SYSCALL_64_after_hwframe" || f.sym === "do_syscall_64")) {
    const wrapper = frames.find((f) => f.dso !== "[kernel.kallsyms]");
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
 * threads by work, PostgreSQL's processes (user and kernel, by system call),
 * the load generator (the window's `bench` process), the idle CPUs, everything else.
 */
export function tallyByPhase(samples: Iterable<Sample>, windows: Window[]): Map<string, Tally> {
  const out = new Map<string, Tally>();
  const sorted = [...windows].sort((a, b) => a.fromUs - b.fromUs);
  for (const sample of samples) {
    const us = sample.seconds * 1e6;
    const window = sorted.find((w) => w.fromUs <= us && us <= w.toUs);
    if (!window) continue;
    const key = `${window.case}\t${window.phase}`;
    let tally = out.get(key);
    if (!tally) out.set(key, (tally = emptyTally()));
    tally.samples++;
    const kernel = sample.frames[0]?.dso === "[kernel.kallsyms]";
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
    } else if (sample.comm === "postgres" || sample.comm.startsWith("postgres")) {
      tally.postgres[kernel ? "kernel" : "user"]++;
      if (kernel) countCall(tally.postgres.syscalls);
    } else if (sample.pid === window.bench) tally.bench++;
    else if (sample.pid === 0) tally.idle++;
    else tally.other++;
  }
  return out;
}
