import { describe, expect, it } from "vitest";
import { kernelEntryOf, parsePerfScript, tallyByPhase, workOf, type Window } from "./perf-script";

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
