import { demoAccounts } from "@/db/demo-accounts";

export const OPERATOR_PASSWORD_MIN = 12;

/**
 * An operator's password (npm run admin:create) guards every order and
 * refund: at least 12 characters, not the e-mail, not a published demo
 * password, not one character repeated. Returns the problem, or undefined.
 */
export function operatorPasswordProblem(password: string, email: string): string | undefined {
  if (password.length < OPERATOR_PASSWORD_MIN) return `the password must have at least ${OPERATOR_PASSWORD_MIN} characters`;
  if (password.length > 200) return "the password must have at most 200 characters";
  if (password.trim() !== password) return "the password must not start or end with spaces";
  if (new Set(password).size < 5) return "the password needs at least 5 different characters";
  const lower = password.toLowerCase();
  if (lower === email.toLowerCase() || lower === email.split("@")[0]!.toLowerCase()) return "the password must not be the e-mail address";
  if (demoAccounts.some((account) => account.password === password)) return "that is a demo account's published password";
  return undefined;
}
