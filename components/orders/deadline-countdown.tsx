"use client";

import { useSyncExternalStore } from "react";

type DeadlineCountdownProps = { deadline: string };

// One shared one-second clock for every countdown on the page.
let now = 0;
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

function tick() {
  now = Date.now();
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  now = Date.now();
  timer ??= setInterval(tick, 1000);
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
      now = 0; // stale once nobody is watching
    }
  };
}

const clientNow = () => now;
const serverNow = () => 0; // unknown until the browser takes over: no hydration mismatch

function mmss(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${String(minutes).padStart(2, "0")}:${String(seconds).padStart(2, "0")}`;
}

/** Time left to pay, as mm:ss; "Time is up" once the deadline has passed. */
export function DeadlineCountdown({ deadline }: DeadlineCountdownProps) {
  const current = useSyncExternalStore(subscribe, clientNow, serverNow);
  const end = new Date(deadline).getTime();
  const left = end - current;

  if (current !== 0 && left <= 0) {
    return (
      <p role="status" className="font-semibold text-red-800">
        Time is up
      </p>
    );
  }
  return (
    <p className="flex items-baseline gap-2">
      <span className="text-sm text-ink-soft">Time left to pay</span>
      <span role="timer" aria-atomic="true" className="font-mono text-2xl font-bold text-ink tabular-nums">
        {current === 0 || Number.isNaN(end) ? "--:--" : mmss(left)}
      </span>
    </p>
  );
}
