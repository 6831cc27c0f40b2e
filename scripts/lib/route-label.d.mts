export const OTHER_ROUTE: "(other)";
export type RoutesManifest = { staticRoutes?: { page: string; regex: string }[]; dynamicRoutes?: { page: string; regex: string }[] };
export function routeLabeller(manifest: RoutesManifest): (pathname: string) => string;
export function loadRouteLabeller(dir?: string): (pathname: string) => string;
