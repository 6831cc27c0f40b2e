import postgres from "postgres";

/**
 * A Unix socket named the way libpq names it, `?host=/var/run/postgresql` in
 * the URL: postgres.js reads only the URL's host, and would send the query's
 * `host` to the server as a setting, which refuses it. So the URL without it,
 * and the socket file's `path` (none for TCP). On the app's own host the
 * socket costs a paid webhook 0.3–0.5 ms less CPU in Node and in PostgreSQL
 * than loopback TCP (docs/BENCHMARKS.md, issue 22). The worker's and the rate
 * limiter's `pg` pools read `?host=` themselves.
 */
export function connectionTarget(url: string): { url: string; path?: string } {
  const parsed = new URL(url);
  const dir = parsed.searchParams.get("host");
  if (!dir?.startsWith("/")) return { url };
  parsed.searchParams.delete("host");
  // The port names the socket file; with none in the URL, PGPORT, then 5432, as postgres.js and pg take it.
  const port = parsed.port || process.env.PGPORT || "5432";
  return { url: parsed.toString(), path: `${dir.replace(/\/+$/, "")}/.s.PGSQL.${port}` };
}

/** A postgres.js client for `url`, over the Unix socket it names if it names one (connectionTarget). */
export function postgresAt(url: string, options: postgres.Options<Record<string, postgres.PostgresType>>): postgres.Sql {
  const target = connectionTarget(url);
  return postgres(target.url, { ...options, ...(target.path ? { path: target.path } : {}) });
}
