// The production server's view of the build: Next's configuration as `next build`
// froze it in .next/required-server-files.json. The standalone tree (container
// image) has no next.config.js, and Next's own standalone server.js hands Next
// this same configuration; scripts/serve.mjs does the same, in the project
// directory (npm start, npm run serve) and in the standalone tree alike, so
// both run one way. Plain JavaScript: the image has no TypeScript loader.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** Loads the built configuration for Next (before it is imported); exits with one line when there is no build. */
export function loadBuiltConfig(dir = process.cwd()) {
  const file = path.join(dir, ".next/required-server-files.json");
  if (!existsSync(file)) {
    process.stderr.write(`paperleaf: refusing to start: no production build in ${dir} (run \`npm run build\` first)\n`);
    process.exit(1);
  }
  const { config } = JSON.parse(readFileSync(file, "utf8"));
  process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(config);
  return config;
}
