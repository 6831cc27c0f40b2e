type BookDetailsProps = { isbn: string | null; publishedYear: number | null; pages: number | null };

/** The book's bibliographic details; rows without a value are left out. */
export function BookDetails({ isbn, publishedYear, pages }: BookDetailsProps) {
  const rows = [
    { label: "ISBN", value: isbn },
    { label: "Published", value: publishedYear === null ? null : String(publishedYear) },
    { label: "Pages", value: pages === null ? null : pages.toLocaleString("en-US") },
  ].filter((row): row is { label: string; value: string } => Boolean(row.value));

  if (rows.length === 0) return null;

  return (
    <section aria-labelledby="details-heading" className="mt-8">
      <h2 id="details-heading" className="text-xl font-semibold">
        Details
      </h2>
      <dl className="mt-3 max-w-md divide-y divide-line rounded-lg border border-line bg-card text-sm">
        {rows.map((row) => (
          <div key={row.label} className="grid grid-cols-[8rem_minmax(0,1fr)] gap-4 px-4 py-2.5">
            <dt className="font-semibold text-ink-soft">{row.label}</dt>
            <dd className="break-words text-ink tabular-nums">{row.value}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
