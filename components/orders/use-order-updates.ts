"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { CART_UPDATED } from "@/components/cart/cart-api";

export type UpdateMode = "connecting" | "live" | "polling";

const POLL_MS = 3000;
const ERRORS_BEFORE_POLLING = 3;

function readRevision(data: unknown): number | undefined {
  if (typeof data !== "string") return undefined;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === "object" && value !== null && "revision" in value && typeof value.revision === "number"
      ? value.revision
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a server-rendered order page current: listens to the order's
 * server-sent events (`/api/orders/:id/events`, fed by Postgres
 * LISTEN/NOTIFY) and refreshes the page when its revision moves past the one
 * rendered. Without EventSource, or when the stream keeps failing (a proxy
 * that buffers, a server that refuses it), it falls back to polling the
 * order's JSON every few seconds.
 */
export function useOrderUpdates(orderId: string, revision: number, enabled = true): UpdateMode {
  const router = useRouter();
  const [mode, setMode] = useState<UpdateMode>("connecting");
  const shown = useRef(revision);
  useEffect(() => {
    shown.current = Math.max(shown.current, revision);
  }, [revision]);

  useEffect(() => {
    if (!enabled) return;
    let stopped = false;
    let source: EventSource | undefined;
    let poller: ReturnType<typeof setInterval> | undefined;
    const seen = (next: number | undefined) => {
      if (stopped || next === undefined || next <= shown.current) return;
      shown.current = next;
      router.refresh();
      // A paid order took its books out of the cart (the machine's clearCart): the header's count reads it again.
      window.dispatchEvent(new Event(CART_UPDATED));
    };
    const poll = () => {
      source?.close();
      setMode("polling");
      poller ??= setInterval(async () => {
        const response = await fetch(`/api/orders/${encodeURIComponent(orderId)}`, { cache: "no-store" }).catch(() => undefined);
        if (response?.ok) seen(((await response.json()) as { revision?: number }).revision);
      }, POLL_MS);
    };
    if (typeof EventSource === "undefined") {
      poll();
    } else {
      let errors = 0;
      source = new EventSource(`/api/orders/${encodeURIComponent(orderId)}/events`);
      source.onopen = () => {
        errors = 0;
        setMode("live");
      };
      source.addEventListener("order", (event) => seen(readRevision((event as MessageEvent).data)));
      source.onerror = () => {
        // CLOSED: the server refused the stream; otherwise the browser retries by itself.
        if (source?.readyState === EventSource.CLOSED || ++errors >= ERRORS_BEFORE_POLLING) poll();
        else setMode("connecting");
      };
    }
    return () => {
      stopped = true;
      source?.close();
      if (poller) clearInterval(poller);
    };
  }, [orderId, enabled, router]);

  return mode;
}
