import pino, { type DestinationStream, type Logger } from "pino";
import pretty from "pino-pretty";
import { env } from "@/lib/env";
import { currentContext } from "./context";
import { redactError } from "./redact-error";

// One logger per process: JSON lines in production (and tests), readable
// lines in development (LOG_FORMAT overrides). Every line carries the current
// work context (request id, order, job) through pino's mixin. Secrets, card
// data and password hashes are redacted wherever they appear, and so are the
// values a failed query carried (redact-error.ts).

export const REDACTED_PATHS = [
  "password",
  "passwordHash",
  "password_hash",
  "*.password",
  "*.passwordHash",
  "*.password_hash",
  "card",
  "*.card",
  "cardNumber",
  "*.cardNumber",
  "cvc",
  "*.cvc",
  "authorization",
  "*.authorization",
  "headers.cookie",
  "*.headers.cookie",
  "cookie",
  "secret",
  "*.secret",
  "apiKey",
  "*.apiKey",
  "token",
  "*.token",
  "csrfToken",
  "*.csrfToken",
];

const serializeError = (error: unknown) => pino.stdSerializers.err(redactError(error) as Error);

type Sink = { write: (line: string) => void };
const holder = globalThis as typeof globalThis & { __bookstoreLog?: { logger?: Logger; sink?: Sink } };
const state = (holder.__bookstoreLog ??= {});

function destination(): DestinationStream {
  const format = env().LOG_FORMAT ?? (env().NODE_ENV === "development" ? "pretty" : "json");
  const target: Sink =
    format === "pretty"
      ? pretty({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" })
      : pino.destination({ fd: 1, sync: true });
  // Tests swap the sink to read the lines back (captureLogs).
  return { write: (line: string) => (state.sink ?? target).write(line) };
}

export function logger(): Logger {
  state.logger ??= pino(
    {
      level: env().LOG_LEVEL,
      base: { service: "paperleaf" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: "[Redacted]" },
      mixin: () => ({ ...currentContext() }),
      serializers: { err: serializeError, error: serializeError },
    },
    destination(),
  );
  return state.logger;
}

/**
 * Test helper: every line goes to `sink` instead of stdout from now on (undefined: stdout again).
 * The test setup holds each test's lines and prints them only when the test fails. Returns the sink it replaced.
 */
export function setLogSink(sink: Sink | undefined): Sink | undefined {
  const previous = state.sink;
  state.sink = sink;
  return previous;
}

/** Test helper: collects every line logged until `stop()`, parsed. */
export function captureLogs(level = "debug"): { lines: () => Record<string, unknown>[]; stop: () => void } {
  const captured: string[] = [];
  const previousSink = state.sink;
  state.sink = { write: (line) => void captured.push(line) };
  const previous = logger().level;
  logger().level = level;
  return {
    lines: () => captured.map((line) => JSON.parse(line) as Record<string, unknown>),
    stop: () => {
      state.sink = previousSink;
      logger().level = previous;
    },
  };
}
