/**
 * next/headers for a client that sends no cookie and keeps none: for
 * `vi.mock("next/headers", () => import("@/test/cookies").then((m) => m.noCookies))`.
 */
export const noCookies = {
  cookies: async () => ({
    get: () => undefined,
    has: () => false,
    set: () => undefined,
    delete: () => undefined,
  }),
};
