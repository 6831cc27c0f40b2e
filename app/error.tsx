"use client";

import Link from "next/link";
import { useEffect } from "react";

type ErrorPageProps = {
  error: unknown;
  /** Re-fetches and re-renders the segment (Next 16). */
  retry?: () => void;
  /** Clears the error state and re-renders without re-fetching. */
  reset: () => void;
};

function digestOf(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null || !("digest" in error)) return undefined;
  return typeof error.digest === "string" ? error.digest : undefined;
}

/** Shoppers never see the error message or stack, only a reference for support. */
export default function ErrorPage({ error, retry, reset }: ErrorPageProps) {
  const digest = digestOf(error);

  useEffect(() => {
    console.error(error);
  }, [error]);

  return (
    <section className="mx-auto max-w-xl py-12 text-center" role="alert">
      <h1 className="text-3xl font-bold tracking-tight">Something went wrong</h1>
      <p className="mt-3 text-ink-soft">We couldn’t load this page just now. Please try again in a moment.</p>
      <div className="mt-8 flex flex-wrap justify-center gap-3">
        <button
          type="button"
          onClick={() => (retry ?? reset)()}
          className="rounded-md bg-accent px-5 py-2.5 font-semibold text-white hover:bg-accent-strong"
        >
          Try again
        </button>
        <Link
          href="/"
          className="rounded-md border border-line bg-card px-5 py-2.5 font-semibold text-accent shadow-card hover:border-accent"
        >
          Back to the catalog
        </Link>
      </div>
      {digest ? (
        <p className="mt-8 text-sm text-ink-soft">
          Reference: <code className="rounded bg-paper-deep px-1.5 py-0.5 font-mono text-ink">{digest}</code>
        </p>
      ) : null}
    </section>
  );
}
