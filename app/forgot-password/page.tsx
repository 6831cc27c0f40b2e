import type { Metadata } from "next";
import { AuthPanel } from "@/components/auth/auth-panel";
import { ForgotPasswordForm } from "@/components/auth/forgot-password-form";

export const metadata: Metadata = { title: "Forgot password" };

export default function ForgotPasswordPage() {
  return (
    <AuthPanel
      title="Forgot your password?"
      intro={<p>Enter the e-mail address of your account and we will send you a link to choose a new one.</p>}
    >
      <ForgotPasswordForm />
    </AuthPanel>
  );
}
