const DAY_MS = 86_400_000;

/**
 * Waits until just past the next UTC midnight when it is less than `marginMs`
 * away. For a test that reads "today's" figures, or places an order and then
 * looks for it under today's date: it must not straddle two UTC days. The
 * wait is at most `marginMs` + 1 s, so a test calling this allows for that.
 */
export async function awayFromUtcMidnight(marginMs: number): Promise<void> {
  const untilMidnight = DAY_MS - (Date.now() % DAY_MS);
  if (untilMidnight < marginMs) await new Promise((resolve) => setTimeout(resolve, untilMidnight + 1_000));
}
