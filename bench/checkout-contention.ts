// Checkout contention: 200 signed-in buyers, each with one copy of the same
// book in their cart, the book with exactly 50 copies, every POST
// /api/checkout released at once against the production server. Exactly 50
// may win; the other 150 must get 409 out_of_stock, and the stock counters
// must add up. Three rounds (one in the CI smoke run), each with a fresh book
// and fresh buyers, each after the same burst on a no-op route so the times
// can be read as a ratio.
import { addCartItem, createCart } from "@/lib/cart/cart-store";
import { createBook, createUser, stockOf } from "@/test/fixtures";
import { percentile } from "./lib/load";
import { inBatches } from "./lib/orders";
import { sessionCookie } from "./lib/session";
import { startStack, type Stack } from "./lib/stack";
import type { BenchModule, BenchRow, BenchSize } from "./lib/types";
import { benchPort } from "./lib/ports";

const BUYERS = 200;
const COPIES = 50;
const REQUEST_TIMEOUT_MS = 60_000;
const TARGET = `exactly ${COPIES} orders of ${BUYERS} buyers`;

type Buyer = { userId: string; cookie: string };
type Outcome = { status: number; code: string; ms: number };
type Round = { outcomes: Outcome[]; seconds: number; noopSeconds: number; orders: number; available: number; reserved: number };

async function createBuyer(bookId: number | null): Promise<Buyer> {
  const userId = await createUser();
  if (bookId !== null) await addCartItem(await createCart(userId), bookId, 1);
  return { userId, cookie: await sessionCookie(userId) };
}

async function send(url: string, init: RequestInit): Promise<Outcome> {
  const started = performance.now();
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as { error?: { code?: string } };
    return { status: response.status, code: body.error?.code ?? "", ms: performance.now() - started };
  } catch {
    // A timeout or reset counts as status 0, which fails the round.
    return { status: 0, code: "network", ms: performance.now() - started };
  }
}

const checkout = (stack: Stack, buyer: Buyer) =>
  send(`${stack.url}/api/checkout`, { method: "POST", headers: { cookie: buyer.cookie, origin: stack.url } });

const noop = (stack: Stack) => send(`${stack.url}/api/health/live`, {});

/** Every request is created and parked on one promise first, so none starts before the others. */
async function burst(requests: (() => Promise<Outcome>)[]): Promise<{ outcomes: Outcome[]; seconds: number }> {
  let release!: () => void;
  const barrier = new Promise<void>((resolve) => (release = resolve));
  const pending = requests.map(async (request) => {
    await barrier;
    return request();
  });
  const started = performance.now();
  release();
  const outcomes = await Promise.all(pending);
  return { outcomes, seconds: (performance.now() - started) / 1000 };
}

async function runRound(stack: Stack): Promise<Round> {
  const bookId = await createBook(COPIES);
  const buyers = await inBatches(Array.from({ length: BUYERS }), 8, () => createBuyer(bookId));
  // The same burst on a no-op route just before: what 200 requests at once cost this server (and machine) anyway.
  const baseline = await burst(buyers.map(() => () => noop(stack)));
  const { outcomes, seconds } = await burst(buyers.map((buyer) => () => checkout(stack, buyer)));
  const [row] = await stack.sql<{ orders: number }[]>`
    select count(distinct order_id)::int as orders from order_items where book_id = ${bookId}`;
  const stock = await stockOf(bookId);
  return { outcomes, seconds, noopSeconds: baseline.seconds, orders: row!.orders, available: stock.available, reserved: stock.reserved };
}

const count = (outcomes: Outcome[], status: number, code?: string) =>
  outcomes.filter((o) => o.status === status && (code === undefined || o.code === code)).length;

function isExact(round: Round): boolean {
  const { outcomes } = round;
  return (
    round.orders === COPIES &&
    round.available === 0 &&
    round.reserved === COPIES &&
    count(outcomes, 201) === COPIES &&
    count(outcomes, 409, "out_of_stock") === BUYERS - COPIES
  );
}

function statusSummary(outcomes: Outcome[]): string {
  const tally = new Map<string, number>();
  for (const o of outcomes) {
    const key = o.code ? `${o.status}/${o.code}` : String(o.status);
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return [...tally]
    .sort()
    .map(([key, n]) => `${key}:${n}`)
    .join(",");
}

function figures(rounds: Round[]) {
  const outcomes = rounds.flatMap((r) => r.outcomes);
  const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
  const seconds = rounds.reduce((sum, r) => sum + r.seconds, 0);
  const orders = rounds.reduce((sum, r) => sum + r.orders, 0);
  return {
    orders,
    "orders/s": Math.round(count(outcomes, 201) / seconds),
    burstSeconds: Number(seconds.toFixed(2)),
    noopBurstSeconds: Number(rounds.reduce((sum, r) => sum + r.noopSeconds, 0).toFixed(2)),
    p50ms: Math.round(percentile(latencies, 50)),
    p99ms: Math.round(percentile(latencies, 99)),
    available: rounds.map((r) => r.available).join("+"),
    reserved: rounds.map((r) => r.reserved).join("+"),
    statuses: statusSummary(outcomes),
  };
}

/** Loads the checkout route, the session decoding and the server's pool before round 1. */
async function warmUp(stack: Stack): Promise<void> {
  const idle = await createBuyer(null);
  await Promise.all(Array.from({ length: 20 }, () => checkout(stack, idle)));
  await Promise.all(Array.from({ length: 20 }, () => noop(stack)));
}

async function run(size: BenchSize): Promise<BenchRow[]> {
  const ROUNDS = size === "smoke" ? 1 : 3;
  // Its own port, so a bench started by somebody else on the default one does not collide.
  const stack = await startStack({ port: benchPort(20) });
  try {
    await warmUp(stack);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await runRound(stack));
    const rows: BenchRow[] = rounds.map((round, i) => ({
      bench: "checkout-contention",
      case: `round ${i + 1}: ${BUYERS} buyers, ${COPIES} copies`,
      figures: figures([round]),
      target: TARGET,
      met: isExact(round),
    }));
    if (ROUNDS > 1)
      rows.push({
        bench: "checkout-contention",
        case: `all ${ROUNDS} rounds`,
        figures: figures(rounds),
        target: `${TARGET}, every round`,
        met: rounds.every(isExact),
      });
    return rows;
  } finally {
    await stack.stop();
  }
}

export const bench: BenchModule = { name: "checkout-contention", run };
