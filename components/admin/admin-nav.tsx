"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const sections = [
  { href: "/admin/orders", label: "Orders" },
  { href: "/admin/stock", label: "Stock" },
  { href: "/admin/machine", label: "Order machine" },
  { href: "/admin/sales", label: "Sales" },
  { href: "/admin/promotions", label: "Promotion codes" },
  { href: "/admin/hooks", label: "Hooks" },
  { href: "/admin/operations", label: "Operations" },
] as const;

/** The operator console's sections; the current one is marked for sight and for screen readers. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Operator console" className="border-b border-line print:hidden">
      <ul className="flex flex-wrap gap-1">
        {sections.map((section) => {
          const current = pathname === section.href || pathname.startsWith(`${section.href}/`);
          return (
            <li key={section.href}>
              <Link
                href={section.href}
                aria-current={current ? "page" : undefined}
                className="-mb-px inline-block border-b-2 border-transparent px-3 py-2 text-sm font-semibold text-ink-soft hover:text-ink aria-[current=page]:border-accent aria-[current=page]:text-accent-strong"
              >
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
