import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lastLines, logOffset, logSince } from "@/e2e/support/server-log";

// The e2e fixture (e2e/support/test.ts) attaches to a failed test exactly the server log lines
// written while it ran: everything after the offset taken at its start.

const dir = mkdtempSync(path.join(tmpdir(), "server-log-"));
const file = path.join(dir, "e2e-server.log");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the e2e server log", () => {
  it("gives the lines written since an offset, and nothing before the file exists", () => {
    expect(logOffset(file)).toBe(0);
    expect(logSince(0, file)).toBe("");
    writeFileSync(file, '{"msg":"an earlier test"}\n');
    const offset = logOffset(file);
    appendFileSync(file, '{"msg":"this test, 1"}\n{"msg":"this test, 2"}\n');
    expect(logSince(offset, file)).toBe('{"msg":"this test, 1"}\n{"msg":"this test, 2"}\n');
    expect(logSince(logOffset(file), file)).toBe("");
  });

  it("gives a dead server's last lines", () => {
    writeFileSync(file, "one\ntwo\nthree\n");
    expect(lastLines(file, 2)).toBe("two\nthree");
    expect(lastLines(path.join(dir, "missing.log"), 2)).toBe("");
  });
});
