import { expect, test } from "../support/test";
import { migrateDatabase } from "@/db/migrate";
import {
  emptyDatabase,
  productionEnv,
  productionPort,
  randomSecret,
  runNode,
  startNode,
  stderrLines,
  waitUntilServing,
} from "../support/production";

// Production (`npm run serve`, the container) refuses unsafe settings at start:
// exit code 1 and one line on stderr naming the setting. Each case starts the
// real production server (scripts/serve.mjs on the build) with one bad setting.

const port = productionPort(0);
const gateway = {
  apiBase: `http://127.0.0.1:${productionPort(1)}`,
  secretKey: randomSecret("sk_test_"),
  webhookSecret: randomSecret("whsec_"),
};
let database: Awaited<ReturnType<typeof emptyDatabase>>;

test.beforeAll(async () => {
  database = await emptyDatabase("bookstore_refusals");
  await migrateDatabase(database.url);
});
test.afterAll(async () => database?.drop());

const good = () => productionEnv(port, database.url, gateway);

async function refusal(changes: Record<string, string | undefined>, args = ["scripts/serve.mjs"]) {
  const output = await runNode(args, { env: { ...good(), ...changes }, timeoutMs: 60_000 });
  const lines = stderrLines(output);
  return { code: output.code, lines, output };
}

const cases: [string, Record<string, string | undefined>, RegExp][] = [
  [
    "STRIPE_SECRET_KEY without STRIPE_WEBHOOK_SECRET",
    { STRIPE_EMULATOR: undefined, STRIPE_SECRET_KEY: "sk_live_x", STRIPE_WEBHOOK_SECRET: undefined },
    /STRIPE_WEBHOOK_SECRET is not set/,
  ],
  ["no STRIPE_SECRET_KEY and no STRIPE_EMULATOR=on", { STRIPE_EMULATOR: undefined }, /STRIPE_SECRET_KEY is not set: .*STRIPE_EMULATOR=on/],
  ["STRIPE_EMULATOR=on without the emulator's webhook secret", { STRIPE_WEBHOOK_SECRET: undefined }, /STRIPE_WEBHOOK_SECRET is not set/],
  ["NEXTAUTH_SECRET unset", { NEXTAUTH_SECRET: undefined }, /NEXTAUTH_SECRET/],
  [
    "NEXTAUTH_SECRET of 31 characters",
    { NEXTAUTH_SECRET: "x".repeat(10) + "0123456789abcdefghijk" },
    /NEXTAUTH_SECRET must be at least 32 characters/,
  ],
  [
    "NEXTAUTH_SECRET published with the source (the e2e server's)",
    { NEXTAUTH_SECRET: "e2e-secret-0123456789abcdef0123456789" },
    /NEXTAUTH_SECRET is a value published with this project's source/,
  ],
  ["APP_URL unset", { APP_URL: undefined }, /APP_URL is not set/],
  ["APP_URL http:// for a public host", { APP_URL: "http://books.example.com" }, /APP_URL must be https:\/\/ for books\.example\.com/],
  ["DEV_TOOLS on", { DEV_TOOLS: "on" }, /DEV_TOOLS must be off in production/],
  ["DATABASE_URL unset (the embedded server is for npm start)", { DATABASE_URL: undefined }, /DATABASE_URL is not set/],
];

test.describe("the production server refuses to start", () => {
  for (const [name, changes, line] of cases) {
    test(name, async () => {
      const { code, lines } = await refusal(changes);
      expect(code).toBe(1);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^paperleaf: refusing to start: /);
      expect(lines[0]).toMatch(line);
    });
  }

  test("while the database holds a demo account, unless ALLOW_DEMO_ACCOUNTS=on", async () => {
    const sql = (await import("postgres")).default(database.url, { max: 1, onnotice: () => {} });
    await sql`insert into users (email, password_hash, name, role) values ('admin@example.com', 'x', 'Avery Admin', 'admin')`;
    try {
      const { code, lines } = await refusal({});
      expect(code).toBe(1);
      expect(lines).toEqual([
        expect.stringMatching(
          /^paperleaf: refusing to start: the database holds demo accounts .*admin@example\.com.*ALLOW_DEMO_ACCOUNTS=on/,
        ),
      ]);

      // The staging choice: it starts, and says so in its log.
      const started = startNode(["scripts/serve.mjs"], { env: { ...good(), ALLOW_DEMO_ACCOUNTS: "on" } });
      await waitUntilServing(started, `http://127.0.0.1:${port}/api/health/live`);
      const { stdout } = await started.stop();
      expect(stdout).toMatch(/"msg":"ALLOW_DEMO_ACCOUNTS=on: the demo accounts/);
      expect(stdout).toMatch(/"msg":"STRIPE_EMULATOR=on: payments go to the Stripe emulator/);
    } finally {
      await sql`delete from users where email = 'admin@example.com'`;
      await sql.end();
    }
  });

  test("the standalone worker refuses the same settings", async () => {
    const { code, lines } = await refusal({ STRIPE_EMULATOR: undefined }, ["--import", "tsx", "scripts/worker.ts"]);
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringMatching(/^paperleaf: refusing to start: STRIPE_SECRET_KEY is not set/)]);
  });
});
