import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/**
 * Waits until the page has its title. Next streams a page's metadata after its body, and a server
 * action's re-render replaces it, so for a moment the document can have no <title> (axe's
 * document-title, seen as a CI flake right after registering a hook endpoint).
 */
export async function waitForTitle(page: Page): Promise<void> {
  await expect(page).toHaveTitle(/\S/);
}

/** axe-core's serious and critical violations of WCAG 2.1 A/AA on the page, one line each. */
export async function seriousViolations(page: Page): Promise<string[]> {
  await waitForTitle(page);
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return results.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.help}`);
}
