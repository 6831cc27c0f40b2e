// A signed-in (or signed-out) visitor for route tests: next-auth's
// getServerSession answers with `fakeSession.session`. A test file mocks
// next-auth with:
//   vi.mock("next-auth", async (importOriginal) => ({
//     ...(await importOriginal<typeof import("next-auth")>()),
//     getServerSession: async () => (await import("@/test/session")).fakeSession.session,
//   }));

export type SessionUser = { id: string; email: string; name: string; role: "customer" | "admin" };

export const fakeSession: { session: { user: SessionUser } | null } = { session: null };

/** Signs in as the user `id` with `role` (null: signed out). */
export function signInAs(id: string | null, role: "customer" | "admin" = "customer", domain = "example.com"): void {
  fakeSession.session = id ? { user: { id, email: `${id}@${domain}`, name: "Test", role } } : null;
}
