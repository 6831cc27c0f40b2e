import { test as base, expect, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { logOffset, logSince } from "./server-log";

// The `test` every spec imports (eslint forbids @playwright/test's own in specs): a test fails
// when any page it opened reported a Content-Security-Policy violation, in every browser
// context, whether Playwright's default one or one the test made with browser.newContext().

export type CspViolation = { url: string; text: string };

const CSP_MESSAGE = /Content Security Policy|CSP violation/i;

function watchPage(page: Page, violations: CspViolation[]): void {
  page.on("console", (message) => {
    if (CSP_MESSAGE.test(message.text())) violations.push({ url: page.url(), text: message.text() });
  });
}

const watched = new WeakSet<BrowserContext>();

async function watchContext(context: BrowserContext, violations: CspViolation[]): Promise<void> {
  if (watched.has(context)) return;
  watched.add(context);
  // Chromium prints most violations itself; the event also catches those it only dispatches.
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      console.error(
        `CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline code"} (${event.sourceFile}:${event.lineNumber})`,
      );
    });
  });
  for (const page of context.pages()) watchPage(page, violations);
  context.on("page", (page) => watchPage(page, violations));
}

/** Makes the contexts and pages the browser opens report to `violations`; returns the undo. */
function watchBrowser(browser: Browser, violations: CspViolation[]): () => void {
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (...args) => {
    const context = await newContext(...args);
    await watchContext(context, violations);
    return context;
  };
  browser.newPage = async (...args) => {
    const page = await newPage(...args);
    await watchContext(page.context(), violations);
    return page;
  };
  return () => {
    browser.newContext = newContext;
    browser.newPage = newPage;
  };
}

// (Fixture functions name their callback `provide`: the React hooks lint rule reads `use` as a hook.)
export const test = base.extend<{ cspViolations: CspViolation[]; serverLog: void }>({
  // Quiet output: the e2e server's log lines go to a file; a failed test gets those written during it.
  serverLog: [
    async ({}, provide, testInfo) => {
      const offset = logOffset();
      await provide();
      if (testInfo.status === testInfo.expectedStatus) return;
      const lines = logSince(offset);
      if (!lines) return;
      // A file, not a body: the reporter prints its path, where a body would be cut at 300 characters.
      const file = testInfo.outputPath("e2e-server.log");
      writeFileSync(file, lines);
      await testInfo.attach("e2e server log", { path: file, contentType: "text/plain" });
    },
    { auto: true },
  ],
  cspViolations: [
    async ({ browser }, provide) => {
      const violations: CspViolation[] = [];
      const undo = watchBrowser(browser, violations);
      try {
        await provide(violations);
      } finally {
        undo();
      }
      expect(violations, "Content-Security-Policy violations reported in the browser").toEqual([]);
    },
    { auto: true },
  ],
  context: async ({ context, cspViolations }, provide) => {
    await watchContext(context, cspViolations);
    await provide(context);
  },
});

export { expect };
