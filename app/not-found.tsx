import Link from "next/link";

export default function NotFound() {
  return (
    <section className="mx-auto max-w-xl py-12 text-center">
      <p className="font-serif text-6xl font-bold text-accent" aria-hidden="true">
        404
      </p>
      <h1 className="mt-4 text-3xl font-bold tracking-tight">This page isn’t on our shelves</h1>
      <p className="mt-3 text-ink-soft">The book or page you were looking for may have moved, or the link may be mistyped.</p>
      <Link href="/" className="mt-8 inline-flex rounded-md bg-accent px-5 py-2.5 font-semibold text-white hover:bg-accent-strong">
        Back to the catalog
      </Link>
    </section>
  );
}
