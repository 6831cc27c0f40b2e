import { sendPasswordResetLink } from "@/lib/auth/password-reset";
import { defineTask } from "../define-task";

// The request answered before this ran, the same for every address; an address without an account gets nothing.
export const sendPasswordReset = defineTask("send_password_reset", async ({ email }) => {
  await sendPasswordResetLink(email);
});
