"use client";

import { signOut } from "next-auth/react";
import { primaryButtonClass } from "@/components/ui-classes";
import { ActionButton } from "./action-button";

/** Signs out at once (no confirmation page): next-auth's sign-out, then the catalog. */
export function SignOutButton({ className = primaryButtonClass, inline = false }: { className?: string; inline?: boolean }) {
  return (
    <ActionButton
      label="Sign out"
      pendingLabel="Signing out…"
      className={className}
      inline={inline}
      action={() =>
        signOut({ callbackUrl: "/" }).then(
          () => undefined,
          () => "We couldn’t sign you out. Please try again.",
        )
      }
    />
  );
}
