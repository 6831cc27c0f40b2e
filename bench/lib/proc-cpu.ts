// CPU time per process from /proc (Linux): who on the machine paid for a
// phase of a bench. A throughput ratio says that webhooks are slower than a
// no-op; these say whether the server, PostgreSQL or the load generator
// spends the difference.
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second for utime/stime in /proc/<pid>/stat (USER_HZ, 100 on every Linux the project runs on). */
const TICK_MS = 10;

type ProcEntry = { pid: number; comm: string; ppid: number; cpuMs: number; cmdline: string };

/** utime + stime, the parent and the command name of one process; undefined when it is gone or /proc is not there. */
export function readProcStat(pid: number): { comm: string; ppid: number; cpuMs: number } | undefined {
  try {
    // The command name (field 2) may hold spaces and parentheses: fields start after the last ") ".
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const end = stat.lastIndexOf(") ");
    const fields = stat.slice(end + 2).split(" ");
    const comm = stat.slice(stat.indexOf("(") + 1, end);
    return { comm, ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined;
  }
}

function processes(): ProcEntry[] {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return [];
  }
  const out: ProcEntry[] = [];
  for (const pid of pids) {
    const stat = readProcStat(pid);
    if (!stat) continue;
    let cmdline = "";
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
    } catch {
      continue; // ended meanwhile
    }
    out.push({ pid, ...stat, cmdline });
  }
  return out;
}

/** The CPU (ms) of the process tree rooted at `root`: a server and the children it spawned. */
function treeCpuMs(all: ProcEntry[], root: number): number {
  const children = new Map<number, ProcEntry[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  let sum = 0;
  const stack = all.filter((p) => p.pid === root);
  while (stack.length > 0) {
    const p = stack.pop()!;
    sum += p.cpuMs;
    stack.push(...(children.get(p.pid) ?? []));
  }
  return sum;
}

export type CpuGroups = {
  /** The app server(s): each pid and its descendants. */
  servers: number[];
  /** The database's name: its backends show it in their command line ("postgres: 15/main: user <db> …"). */
  database: string;
};

export type CpuReading = Record<"bench" | "server" | "pgBackends" | "pgAll", number>;

/**
 * One reading of the CPU used so far by: this process (the load generator),
 * the app servers, the PostgreSQL backends serving `database`, and every
 * PostgreSQL process on the machine (the bench database's share of WAL
 * writer, checkpointer… included, but so is anybody else's work on a shared
 * server: read it beside `pgBackends`).
 */
export function readCpu(groups: CpuGroups): CpuReading {
  const all = processes();
  const own = process.cpuUsage();
  const isPostgres = (p: ProcEntry) => p.comm === "postgres";
  return {
    bench: (own.user + own.system) / 1000,
    server: groups.servers.reduce((sum, pid) => sum + treeCpuMs(all, pid), 0),
    pgBackends: all.filter((p) => isPostgres(p) && p.cmdline.includes(` ${groups.database} `)).reduce((s, p) => s + p.cpuMs, 0),
    pgAll: all.filter(isPostgres).reduce((s, p) => s + p.cpuMs, 0),
  };
}

/** CPU ms per request between two readings, per group, to two decimals. */
export function cpuPerRequest(before: CpuReading, after: CpuReading, requests: number): CpuReading {
  const per = (key: keyof CpuReading) => Number(((after[key] - before[key]) / Math.max(1, requests)).toFixed(2));
  return { bench: per("bench"), server: per("server"), pgBackends: per("pgBackends"), pgAll: per("pgAll") };
}
