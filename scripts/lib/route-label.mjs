// The `route` label of the HTTP latency metric (scripts/serve.mjs): the app
// route a path belongs to, as the build's routes manifest names it
// ("/orders/5b1c…/events" → "/orders/:id/events"), so there is one series per
// route. A path no route serves (a 404, a probe for /wp-login.php, a redirect
// of /admin/anything) is "(other)": labelled by its path, every distinct path a
// client sent made a series of its own, held forever and listed in every
// scrape of /api/metrics (a security audit's find). Plain JavaScript: the
// container image has no TypeScript loader.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

export const OTHER_ROUTE = "(other)";

/** ":id" for "[id]", ":slug*" for "[...slug]" and "[[...slug]]". */
function labelOf(page) {
  return page.replace(/\[\[?\.\.\.(\w+)\]?\]/g, ":$1*").replace(/\[(\w+)\]/g, ":$1") || "/";
}

/** A labeller for the routes in a routes manifest (`.next/routes-manifest.json`'s staticRoutes and dynamicRoutes). */
export function routeLabeller(manifest) {
  const routes = [...(manifest.staticRoutes ?? []), ...(manifest.dynamicRoutes ?? [])].map((route) => ({
    pattern: new RegExp(route.regex),
    label: labelOf(route.page),
  }));
  return (pathname) => {
    if (pathname.startsWith("/_next/")) return "/_next/*";
    const trimmed = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
    return routes.find((route) => route.pattern.test(trimmed))?.label ?? OTHER_ROUTE;
  };
}

/** The labeller for the build in `dir` (the project or the standalone tree). */
export function loadRouteLabeller(dir = process.cwd()) {
  const file = path.join(dir, ".next/routes-manifest.json");
  return routeLabeller(existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {});
}
