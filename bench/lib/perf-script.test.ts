import { describe, expect, it } from "vitest";
import { inKernel, kernelEntryOf, parsePerfScript, PhaseTally, tallyByPhase, workOf, type Window } from "./perf-script";

// The shape `perf script -F comm,pid,tid,time,ip,sym,dso` prints: a header per
// sample, its call chain leaf first, a blank line.
const SCRIPT = `node  100/100   10.000100:
\t7f01 Builtins_LoadIC (/usr/bin/node)
\t7f02 LazyCompile:~handle /app/.next/server/chunks/x.js:1 (/tmp/perf-100.map)

node  100/107   10.000200:
\t7f03 v8::internal::compiler::GraphReducer::ReduceTop (/usr/bin/node)
\t7f04 v8::internal::OptimizingCompileDispatcher::CompileTask::RunInternal (/usr/bin/node)

node  100/108   10.000300:
\t7f05 v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot> (/usr/bin/node)

node  100/100   10.000400:
\tffffffff81 unix_stream_sendmsg ([kernel.kallsyms])
\tffffffff82 __x64_sys_write ([kernel.kallsyms])
\t7f06 __GI___libc_write (/usr/lib/x86_64-linux-gnu/libc.so.6)

postgres  200/200   10.000500:
\tffffffff83 xfs_file_fsync ([kernel.kallsyms])
\tffffffff84 __x64_sys_fdatasync ([kernel.kallsyms])

postgres  200/200   10.000600:
\t55aa [unknown] (/usr/lib/postgresql/15/bin/postgres)

postgres  200/200   10.000700:
\tffffffff85 clear_page_erms ([kernel.kallsyms])
\tffffffff86 asm_exc_page_fault ([kernel.kallsyms])

node  300/300   10.000800:
\t7f07 Builtins_CallFunction (/usr/bin/node)

swapper     0/0   10.000900:
\tffffffff87 default_idle ([kernel.kallsyms])

redis-server  400/400   10.001000:
\t55bb [unknown] (/usr/bin/redis-server)

node  100/100   20.000000:
\t7f01 Builtins_LoadIC (/usr/bin/node)

node  100/100   20.000100:
\tffffffff88 pvm_irq_enable ([kernel.kallsyms])
\tffffffff89 do_syscall_64 ([kernel.kallsyms])
\tffffffff8a entry_SYSCALL_64_after_hwframe ([kernel.kallsyms])
\t7f08 __GI___libc_read (/usr/lib/x86_64-linux-gnu/libc.so.6)
`;

const windows: Window[] = [
  { case: "concurrency 8", phase: "webhooks", fromUs: 10_000_000, toUs: 11_000_000, requests: 2, servers: [100], bench: 300 },
];

describe("perf script samples", () => {
  it("reads each sample with its call chain, the last one without a closing blank line too", () => {
    const samples = [...parsePerfScript(SCRIPT.split("\n"))];
    expect(samples).toHaveLength(12);
    expect(samples[0]).toEqual({
      comm: "node",
      pid: 100,
      tid: 100,
      seconds: 10.0001,
      frames: [
        { sym: "Builtins_LoadIC", dso: "/usr/bin/node" },
        { sym: "LazyCompile:~handle /app/.next/server/chunks/x.js:1", dso: "/tmp/perf-100.map" },
      ],
    });
    expect(samples[10]!.seconds).toBe(20);
  });

  it("tells compiling and collecting from the rest, and names the system call", () => {
    const [js, compile, scavenge, write, fsync, , fault, , idle, , , wrapped] = [...parsePerfScript(SCRIPT.split("\n"))];
    expect([js, compile, scavenge, write].map((s) => workOf(s!.frames))).toEqual(["other", "jit", "gc", "other"]);
    expect(kernelEntryOf(write!.frames)).toBe("write");
    expect(kernelEntryOf(fsync!.frames)).toBe("fdatasync");
    expect(kernelEntryOf(fault!.frames)).toBe("(page fault)");
    expect(kernelEntryOf(wrapped!.frames)).toBe("read");
    expect(kernelEntryOf(idle!.frames)).toBe("(interrupt)");
  });

  it("adds the samples inside a phase's window up by process, thread and kind of work", () => {
    const tallies = tallyByPhase(parsePerfScript(SCRIPT.split("\n")), windows);
    expect([...tallies.keys()]).toEqual(["concurrency 8\twebhooks"]);
    const tally = tallies.get("concurrency 8\twebhooks")!;
    // The samples at 20 s are outside every window.
    expect(tally.samples).toBe(10);
    expect(tally.server.main).toEqual({ jit: 0, gc: 0, other: 2 });
    expect(tally.server.threads).toEqual({ jit: 1, gc: 1, other: 0 });
    expect(tally.server.kernel).toBe(1);
    expect(tally.server.syscalls).toEqual({ write: 1 });
    expect(tally.postgres).toEqual({ user: 1, kernel: 2, syscalls: { fdatasync: 1, "(page fault)": 1 } });
    expect(tally.bench).toBe(1);
    expect(tally.idle).toBe(1);
    expect(tally.other).toBe(1);
  });
});

describe("perf script edge cases", () => {
  it("reads a right-aligned header without a call chain, and one with the CPU field", () => {
    const samples = [
      ...parsePerfScript(["            node   100/107     10.5:  7f01 Builtins_LoadIC (/usr/bin/node)", "postgres  200/200 [001]  10.6:"]),
    ];
    expect(samples.map((s) => [s.comm, s.pid, s.tid, s.seconds])).toEqual([
      ["node", 100, 107, 10.5],
      ["postgres", 200, 200, 10.6],
    ]);
  });

  it("keeps a symbol that holds ' (', and a frame printed without its object", () => {
    const [sample] = [
      ...parsePerfScript(["node  1/1  1.0:", "\t7f01 LazyCompile:~<anonymous> (file) /a.js:3 (/tmp/perf-1.map)", "\t7f02 [unknown]", ""]),
    ];
    expect(sample!.frames).toEqual([
      { sym: "LazyCompile:~<anonymous> (file) /a.js:3", dso: "/tmp/perf-1.map" },
      { sym: "[unknown]", dso: "" },
    ]);
  });

  it("counts a kernel module's frame as the kernel, and perf's own brackets as not", () => {
    expect(inKernel({ sym: "xfs_file_fsync", dso: "[xfs]" })).toBe(true);
    expect(inKernel({ sym: "x", dso: "[kernel.kallsyms]" })).toBe(true);
    expect(inKernel({ sym: "x", dso: "[unknown]" })).toBe(false);
    expect(inKernel({ sym: "x", dso: "[vdso]" })).toBe(false);
    expect(inKernel({ sym: "x", dso: "/usr/bin/node" })).toBe(false);
    expect(inKernel(undefined)).toBe(false);
  });

  it("names a system call without the kernel's frame after its wrapper, or says so", () => {
    const frames = (...syms: [string, string][]) => syms.map(([sym, dso]) => ({ sym, dso }));
    expect(kernelEntryOf(frames(["do_syscall_64", "[kernel.kallsyms]"], ["__GI___writev", "/lib/libc.so.6"]))).toBe("writev");
    expect(kernelEntryOf(frames(["do_syscall_64", "[kernel.kallsyms]"]))).toBe("(system call)");
    expect(kernelEntryOf(frames(["blk_done", "[virtio_blk]"], ["__x64_sys_fdatasync", "[kernel.kallsyms]"]))).toBe("fdatasync");
  });

  it("calls a compile that collects garbage on its way compiling", () => {
    const frames = [
      { sym: "v8::internal::Scavenger::ScavengeObject", dso: "/usr/bin/node" },
      { sym: "v8::internal::compiler::PipelineImpl::Run", dso: "/usr/bin/node" },
    ];
    expect(workOf(frames)).toBe("jit");
  });

  it("adds two windows of one phase together, counts their edges in, and tells postgres from its look-alikes", () => {
    const twoNoops: Window[] = [
      { case: "c", phase: "noop", fromUs: 1_000_000, toUs: 2_000_000, requests: 10, servers: [100], bench: 300 },
      { case: "c", phase: "webhooks", fromUs: 2_000_001, toUs: 3_000_000, requests: 10, servers: [100], bench: 300 },
      { case: "c", phase: "noop", fromUs: 3_000_001, toUs: 4_000_000, requests: 10, servers: [100], bench: 300 },
    ];
    const at = (comm: string, pid: number, seconds: number) =>
      `${comm}  ${pid}/${pid}  ${seconds}:\n\t7f Builtins_LoadIC (/usr/bin/node)\n`;
    const text = [
      at("node", 100, 1.0), // the first no-op window's first microsecond
      at("node", 100, 4.0), // the second no-op window's last
      at("node", 100, 2.5),
      at("postgres", 200, 2.6),
      at("postgres_exporter", 201, 2.7),
      at("node", 100, 4.5), // after every window
    ].join("\n");
    const tally = new PhaseTally(twoNoops);
    for (const sample of parsePerfScript(text.split("\n"))) tally.add(sample);
    expect(tally.counted).toBe(5);
    expect(tally.tallies.get("c\tnoop")!.server.main.other).toBe(2);
    const hooks = tally.tallies.get("c\twebhooks")!;
    expect(hooks.server.main.other).toBe(1);
    expect(hooks.postgres.user).toBe(1);
    expect(hooks.other).toBe(1);
  });
});
