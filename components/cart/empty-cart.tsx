import Link from "next/link";
import { panelClass, primaryButtonClass } from "@/components/ui-classes";

type EmptyCartProps = { title?: string; message?: string };

export function EmptyCart({ title = "Your cart is empty", message = "Find your next read in the catalog." }: EmptyCartProps) {
  return (
    <section aria-labelledby="empty-cart-heading" className={`${panelClass} px-6 py-10 text-center`}>
      <h2 id="empty-cart-heading" className="text-xl font-semibold">
        {title}
      </h2>
      <p className="mt-2 text-ink-soft">{message}</p>
      <Link href="/" className={`${primaryButtonClass} mt-5`}>
        Browse the catalog
      </Link>
    </section>
  );
}
