import net from "node:net";

/**
 * Counts round trips to the database listening on `port` until stop(): the
 * client's writes after which it waited for an answer. A write with nothing
 * read since the one before (postgres.js sends a long pipelined batch in
 * 1 KB writes) belongs to the same trip. For benchmarks and tests only: it
 * patches net.Socket's write for the duration.
 */
export function countRoundTrips(port: number): { stop: () => number } {
  const original = net.Socket.prototype.write;
  const readAtLastWrite = new WeakMap<net.Socket, number>();
  let trips = 0;
  net.Socket.prototype.write = function (this: net.Socket, ...args: Parameters<net.Socket["write"]>) {
    if (this.remotePort === port) {
      if (readAtLastWrite.get(this) !== this.bytesRead) trips++;
      readAtLastWrite.set(this, this.bytesRead);
    }
    return original.apply(this, args);
  } as net.Socket["write"];
  return {
    stop: () => {
      net.Socket.prototype.write = original;
      return trips;
    },
  };
}

/** The port of a postgres:// URL (5432 when it names none). */
export const portOf = (url: string) => Number(new URL(url).port || 5432);
