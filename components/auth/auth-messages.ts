export const RATE_LIMITED_MESSAGE = "Too many attempts, please wait a few minutes";
export const WRONG_CREDENTIALS_MESSAGE = "That e-mail and password don’t match an account. Check them and try again.";
export const SIGN_IN_FAILED_MESSAGE = "We couldn’t sign you in. Please try again.";

/** A next-auth error code (from signIn() or the ?error= parameter) in plain words. */
export function signInErrorMessage(error: string | null | undefined, status?: number): string | undefined {
  if (status === 429 || error === "RateLimited") return RATE_LIMITED_MESSAGE;
  if (!error) return undefined;
  if (error === "CredentialsSignin") return WRONG_CREDENTIALS_MESSAGE;
  if (error === "SessionRequired") return "Please sign in to continue.";
  return SIGN_IN_FAILED_MESSAGE;
}
