"use client";

import { signOut } from "next-auth/react";
import { useRouter } from "next/navigation";
import { apiRequest } from "@/components/api-client";
import { secondaryButtonClass } from "@/components/ui-classes";
import { ActionButton } from "./action-button";

/** Ends every session of the account (other browsers, a lost phone), then this one. */
export function SignOutEverywhereButton() {
  const router = useRouter();

  async function signOutEverywhere(): Promise<string | undefined> {
    const result = await apiRequest("/api/account/sessions", { method: "DELETE" });
    if (!result.ok && result.status !== 401) return result.message;
    // This browser's cookie is refused from now on anyway; clear it and go to the sign-in page.
    await signOut({ callbackUrl: "/signin" }).catch(() => router.push("/signin"));
    return undefined;
  }

  return (
    <ActionButton
      label="Sign out everywhere"
      pendingLabel="Signing out everywhere…"
      className={secondaryButtonClass}
      inline
      action={signOutEverywhere}
    />
  );
}
