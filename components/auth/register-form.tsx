"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { useId, useState, type FormEvent } from "react";
import { apiRequest, isRecord } from "@/components/api-client";
import { FormField } from "@/components/form-field";
import { primaryButtonClass, textLinkClass } from "@/components/ui-classes";
import { registerSchema } from "@/lib/auth/register-schema";
import { withCallback } from "./safe-callback";

type RegisterFormProps = { callbackUrl: string };

const FIELDS = ["name", "email", "password"] as const;
type Field = (typeof FIELDS)[number];
type FieldErrors = Partial<Record<Field, string>>;
type FormError = { message: string; signInLink?: boolean };

const isField = (value: unknown): value is Field => typeof value === "string" && (FIELDS as readonly string[]).includes(value);

/** The first message per field from `[{ path, message }]` (server) or zod issues (client). */
function fieldErrors(issues: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!Array.isArray(issues)) return errors;
  for (const issue of issues) {
    if (!isRecord(issue) || typeof issue.message !== "string") continue;
    const path = Array.isArray(issue.path) ? issue.path[0] : typeof issue.path === "string" ? issue.path.split(".")[0] : undefined;
    if (isField(path)) errors[path] ??= issue.message;
  }
  return errors;
}

export function RegisterForm({ callbackUrl }: RegisterFormProps) {
  const id = useId();
  const router = useRouter();
  const [values, setValues] = useState<Record<Field, string>>({ name: "", email: "", password: "" });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<FormError | null>(null);
  const [pending, setPending] = useState(false);

  const set = (field: Field) => (value: string) => setValues((current) => ({ ...current, [field]: value }));

  function showErrors(form: HTMLFormElement, next: FieldErrors, message: FormError | null) {
    setErrors(next);
    setFormError(message);
    const first = FIELDS.find((field) => next[field]);
    if (first) form.querySelector<HTMLInputElement>(`[name="${first}"]`)?.focus();
  }

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (pending) return;
    const form = event.currentTarget;
    const parsed = registerSchema.safeParse(values);
    if (!parsed.success) {
      showErrors(form, fieldErrors(parsed.error.issues), { message: "Please correct the highlighted fields." });
      return;
    }
    setPending(true);
    setErrors({});
    setFormError(null);
    const result = await apiRequest("/api/register", { method: "POST", body: parsed.data });
    if (!result.ok) {
      setPending(false);
      if (result.code === "email_taken") {
        showErrors(form, { email: result.message }, { message: "That e-mail address already has an account.", signInLink: true });
      } else if (result.code === "invalid_request") {
        const next = fieldErrors(result.details);
        showErrors(form, next, { message: Object.keys(next).length ? "Please correct the highlighted fields." : result.message });
      } else {
        showErrors(form, {}, { message: result.message });
      }
      return;
    }
    const signedIn = await signIn("credentials", { email: parsed.data.email, password: parsed.data.password, redirect: false }).catch(
      () => undefined,
    );
    if (!signedIn?.ok || signedIn.error) {
      router.push(`${withCallback("/signin", callbackUrl)}${callbackUrl === "/" ? "?" : "&"}registered=1`);
      return;
    }
    window.dispatchEvent(new Event("cart:updated"));
    // A full navigation: every server-rendered part (header, cart) sees the new session.
    window.location.assign(callbackUrl);
  }

  return (
    <form onSubmit={onSubmit} noValidate className="flex flex-col gap-4">
      <FormField
        id={`${id}-name`}
        name="name"
        label="Name"
        type="text"
        autoComplete="name"
        value={values.name}
        onChange={set("name")}
        error={errors.name}
      />
      <FormField
        id={`${id}-email`}
        name="email"
        label="E-mail"
        type="email"
        autoComplete="email"
        value={values.email}
        onChange={set("email")}
        error={errors.email}
      />
      <FormField
        id={`${id}-password`}
        name="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 8 characters."
        value={values.password}
        onChange={set("password")}
        error={errors.password}
      />
      <div role="alert" className="min-h-6 text-sm font-medium text-red-800">
        {formError ? (
          <p>
            {formError.message}{" "}
            {formError.signInLink ? (
              <Link href={withCallback("/signin", callbackUrl)} className={textLinkClass}>
                Sign in instead
              </Link>
            ) : null}
          </p>
        ) : null}
      </div>
      <button type="submit" disabled={pending} className={primaryButtonClass}>
        {pending ? "Creating your account…" : "Create account"}
      </button>
      <p className="text-sm text-ink-soft">
        Already have an account?{" "}
        <Link href={withCallback("/signin", callbackUrl)} className={textLinkClass}>
          Sign in
        </Link>
      </p>
    </form>
  );
}
