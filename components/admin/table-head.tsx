type Column = string | { label: string; align: "right" };

/** The header row every operator table shares: small caps, a rule below, `scope="col"` for screen readers. */
export function TableHead({ columns }: { columns: Column[] }) {
  return (
    <thead>
      <tr className="border-b border-line text-xs uppercase tracking-wide text-ink-soft">
        {columns.map((column, i) => {
          const label = typeof column === "string" ? column : column.label;
          const right = typeof column !== "string" && column.align === "right";
          return (
            <th key={label} scope="col" className={`py-2 ${i < columns.length - 1 ? "pr-4" : ""} ${right ? "text-right" : ""}`}>
              {label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
