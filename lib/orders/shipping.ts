import { randomBytes } from "node:crypto";

/** Adds business days (Monday to Friday) to a date; returns YYYY-MM-DD. */
export function addBusinessDays(from: Date, days: number): string {
  const date = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()));
  let left = days;
  while (left > 0) {
    date.setUTCDate(date.getUTCDate() + 1);
    const weekday = date.getUTCDay();
    if (weekday !== 0 && weekday !== 6) left -= 1;
  }
  return date.toISOString().slice(0, 10);
}

export function newTrackingNumber(): string {
  return `PL${randomBytes(5).toString("hex").toUpperCase()}`;
}
