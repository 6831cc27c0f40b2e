# syntax=docker/dockerfile:1
# Paperleaf Books in production: `docker compose up` (compose.yaml) or
#   docker build -t paperleaf-books .
#   docker run --env-file prod.env -p 3000:3000 paperleaf-books
# One image, three commands: the web server (default), the job worker
# (node scripts/worker.mjs), the migrator (node scripts/db-migrate.mjs), plus
# node scripts/admin-create.mjs --email … for the first operator.
# Settings come from the environment only; see README "Deploy".

FROM node:20.20-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
COPY package.json package-lock.json ./
# The driver fixes in patches/ are applied by the postinstall step of npm ci.
COPY patches ./patches
RUN npm ci --no-audit --no-fund
COPY . .
# next build (output: "standalone") + scripts/build-standalone.ts: .next/standalone is the whole app.
RUN npm run build

FROM node:20.20-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1 PORT=3000 HOST=0.0.0.0 LOG_FORMAT=json
RUN groupadd --system --gid 10001 paperleaf \
 && useradd --system --uid 10001 --gid paperleaf --no-create-home --shell /usr/sbin/nologin paperleaf
# The code belongs to root and is read-only for the server; only Next's cache is writable.
COPY --from=build /app/.next/standalone ./
RUN mkdir -p .next/cache && chown paperleaf:paperleaf .next/cache
USER paperleaf
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# scripts/serve.mjs: Next's request handler with Brotli for the built assets and HTTP metrics.
CMD ["node", "scripts/serve.mjs"]
