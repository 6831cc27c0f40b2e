"use client";

import { signOut } from "next-auth/react";
import { primaryButtonClass } from "@/components/ui-classes";
import { ActionButton } from "./action-button";

export function SignOutButton() {
  return (
    <ActionButton
      label="Sign out"
      pendingLabel="Signing out…"
      className={primaryButtonClass}
      action={() =>
        signOut({ callbackUrl: "/" }).then(
          () => undefined,
          () => "We couldn’t sign you out. Please try again.",
        )
      }
    />
  );
}
