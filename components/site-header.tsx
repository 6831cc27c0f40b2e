import Link from "next/link";
import { Suspense } from "react";
import { getCurrentUser } from "@/lib/auth/session";
import { CartCount } from "./cart-count";
import { HeaderSearchInput, SearchInput } from "./header-search-input";

const navLink =
  "inline-flex items-center gap-1.5 rounded-md px-2 py-1.5 text-sm font-semibold text-ink hover:bg-paper-deep hover:text-accent-strong";

function LogoMark() {
  return (
    <svg aria-hidden="true" width="24" height="24" viewBox="0 0 24 24" className="hidden shrink-0 min-[400px]:block">
      <path d="M3 5.5C6 4 9 4 12 6c3-2 6-2 9-.5V19c-3-1.5-6-1.5-9 .5-3-2-6-2-9-.5Z" fill="#1d5c58" />
      <path d="M12 6v13.5" stroke="#fffdf9" strokeWidth="1.5" />
    </svg>
  );
}

function firstName(name: string, email: string): string {
  return name.trim().split(/\s+/)[0] || email.split("@")[0] || "Account";
}

export async function SiteHeader() {
  const user = await getCurrentUser();
  return (
    <header className="border-b border-line bg-card print:hidden">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-4 gap-y-3 px-4 py-3 md:flex-nowrap md:gap-x-6 sm:px-6">
        <Link href="/" className="inline-flex shrink-0 items-center gap-2 font-serif text-lg font-bold tracking-tight text-ink sm:text-xl">
          <LogoMark />
          Paperleaf Books
        </Link>

        <nav aria-label="Account and cart" className="order-2 ml-auto md:order-3 md:ml-0">
          <ul className="flex items-center gap-0.5 sm:gap-1">
            <li>
              <Link href="/cart" className={navLink}>
                <CartCount />
              </Link>
            </li>
            {user ? (
              <>
                {user.role === "admin" ? (
                  <li>
                    <Link href="/admin" className={navLink}>
                      Admin
                    </Link>
                  </li>
                ) : null}
                <li>
                  <Link href="/orders" className={navLink}>
                    Orders
                  </Link>
                </li>
                <li>
                  <Link href="/account" className={navLink}>
                    <span className="max-w-[7rem] truncate sm:max-w-[10rem]">{firstName(user.name, user.email)}</span>
                  </Link>
                </li>
              </>
            ) : (
              <li>
                <Link href="/signin" className={navLink}>
                  Sign in
                </Link>
              </li>
            )}
          </ul>
        </nav>

        <form
          action="/"
          method="get"
          role="search"
          aria-label="Site search"
          className="order-3 w-full md:order-2 md:ml-auto md:max-w-md md:flex-1"
        >
          <label htmlFor="site-search" className="sr-only">
            Search books
          </label>
          <div className="flex">
            {/* The box shows the catalog's search (it reads the URL's q: a client component, in Suspense for the static shell). */}
            <Suspense fallback={<SearchInput />}>
              <HeaderSearchInput />
            </Suspense>
            <button type="submit" className="rounded-r-md bg-accent px-4 py-2 text-sm font-semibold text-white hover:bg-accent-strong">
              Search
            </button>
          </div>
        </form>
      </div>
    </header>
  );
}
