/**
 * Demo accounts, seeded by `npm start` only; the README publishes these
 * passwords, so production refuses to start while they exist
 * (lib/startup-check.ts) unless ALLOW_DEMO_ACCOUNTS=on.
 */
export const demoAccounts = [
  { email: "customer@example.com", password: "customer-pass-1", name: "Casey Reader", role: "customer" },
  { email: "admin@example.com", password: "admin-pass-1", name: "Avery Admin", role: "admin" },
] as const;
