"use client";

import { useLayoutEffect, useSyncExternalStore } from "react";

// Back and forward keep the place the shopper left (the browser restores it); a link opens the page at its top.
let traversing = false;
if (typeof window !== "undefined") {
  window.addEventListener("popstate", () => (traversing = true));
  document.addEventListener("click", () => (traversing = false), { capture: true });
}

const noSubscription = () => () => {};

/**
 * Opens the page at its top when a link led here. Next.js scrolls a new page into view only when
 * its top is out of sight; coming from far down a long catalog, the browser first clamps the
 * scroll to the shorter book page, which can leave its top just in sight, under a scrolled-away
 * header: the page opened 96 px down. Runs before Next.js's own scroll handling (children's layout
 * effects run first), which then finds the page's top in view and leaves it there.
 */
export function OpenAtTop() {
  // True only while hydrating a server-rendered page: a first load, where the browser decides.
  const hydrating = useSyncExternalStore(
    noSubscription,
    () => false,
    () => true,
  );
  useLayoutEffect(() => {
    if (hydrating || traversing || window.location.hash) return;
    window.scrollTo(0, 0);
    // Once: a re-render of the page must not scroll the shopper back up.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return null;
}
