const placeholders = Array.from({ length: 8 }, (_, i) => i);

function CardSkeleton() {
  return (
    <div className="overflow-hidden rounded-lg border border-line bg-card shadow-card">
      <div className="flex justify-center bg-paper-deep/60 px-3 pt-5 pb-4">
        <div className="h-[180px] w-[120px] rounded-sm bg-paper-deep" />
      </div>
      <div className="space-y-2 p-3 sm:p-4">
        <div className="h-4 w-4/5 rounded bg-paper-deep" />
        <div className="h-3 w-3/5 rounded bg-paper-deep" />
        <div className="flex justify-between pt-2">
          <div className="h-4 w-12 rounded bg-paper-deep" />
          <div className="h-4 w-16 rounded-full bg-paper-deep" />
        </div>
      </div>
    </div>
  );
}

export default function Loading() {
  return (
    <div aria-busy="true">
      <p role="status" className="sr-only">
        Loading…
      </p>
      <div aria-hidden="true" className="animate-pulse">
        <div className="mb-4 space-y-3 sm:mb-6">
          <div className="h-9 w-40 rounded bg-paper-deep" />
          <div className="h-4 w-full max-w-md rounded bg-paper-deep" />
        </div>
        {/* The genre filter: one "Filters" line on a phone, the open form from sm. */}
        <div className="h-11 rounded-lg border border-line bg-card shadow-card sm:h-[94px]" />
        <div className="mt-5 mb-4 h-4 w-48 rounded bg-paper-deep sm:mt-8" />
        <div className="grid grid-cols-2 gap-4 sm:grid-cols-3 sm:gap-6 lg:grid-cols-4">
          {placeholders.map((i) => (
            <CardSkeleton key={i} />
          ))}
        </div>
      </div>
    </div>
  );
}
