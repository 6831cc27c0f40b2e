type PageSkeletonProps = { label: string; panels?: number; aside?: boolean };

/** A quiet placeholder in the page's shape while its data loads (a loading.tsx renders it). */
export function PageSkeleton({ label, panels = 2, aside = false }: PageSkeletonProps) {
  return (
    <div aria-busy="true">
      <p role="status" className="sr-only">
        {label}
      </p>
      <div aria-hidden="true" className="animate-pulse">
        <div className="mb-6 space-y-3">
          <div className="h-9 w-56 rounded bg-paper-deep" />
          <div className="h-4 w-full max-w-sm rounded bg-paper-deep" />
        </div>
        <div className={`grid items-start gap-6 ${aside ? "lg:grid-cols-[minmax(0,1fr)_22rem]" : ""}`}>
          <div className="flex flex-col gap-6">
            {Array.from({ length: panels }, (_, i) => (
              <div key={i} className="h-40 rounded-lg border border-line bg-card shadow-card" />
            ))}
          </div>
          {aside ? <div className="h-64 rounded-lg border border-line bg-card shadow-card" /> : null}
        </div>
      </div>
    </div>
  );
}
