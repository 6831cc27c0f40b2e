"use client";

import { useSyncExternalStore } from "react";

type LocalTimeProps = { iso: string; className?: string };

const noSubscription = () => () => {};

function format(iso: string, timeZone?: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat("en-US", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  }).format(date);
}

/**
 * A date and time in the reader's time zone. The server (and hydration) use
 * UTC, labelled as such; the browser then switches to local time.
 */
export function LocalTime({ iso, className }: LocalTimeProps) {
  const inBrowser = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );
  return (
    <time dateTime={iso} className={className} suppressHydrationWarning>
      {format(iso, inBrowser ? undefined : "UTC")}
    </time>
  );
}
