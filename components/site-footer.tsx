import Link from "next/link";

const links = [
  { href: "/", label: "Catalog" },
  { href: "/cart", label: "Cart" },
  { href: "/orders", label: "Orders" },
];

export function SiteFooter() {
  return (
    <footer className="mt-12 border-t border-line bg-paper-deep print:hidden">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-4 py-8 text-sm text-ink-soft sm:flex-row sm:items-center sm:justify-between sm:px-6">
        <p>
          <span className="font-serif font-semibold text-ink">Paperleaf Books</span> · a small independent bookshop for curious readers.
        </p>
        <nav aria-label="Footer">
          <ul className="flex flex-wrap gap-x-5 gap-y-2">
            {links.map((link) => (
              <li key={link.href}>
                <Link href={link.href} className="font-medium text-ink underline-offset-4 hover:text-accent hover:underline">
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      </div>
    </footer>
  );
}
