"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiRequest } from "@/components/api-client";

/**
 * An operator's form posting to the store's API: while it runs the button waits (`pending`); then the
 * page is read again, or the API's own message is shown (`message`, for a role="status" line).
 */
export function useAdminPost() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [message, setMessage] = useState("");
  async function post(url: string, body: unknown): Promise<boolean> {
    setPending(true);
    setMessage("");
    const result = await apiRequest(url, { method: "POST", body });
    setPending(false);
    if (!result.ok) setMessage(result.message);
    else router.refresh();
    return result.ok;
  }
  return { pending, message, post };
}
