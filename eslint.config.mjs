import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";
import vitest from "@vitest/eslint-plugin";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", ".data/**", "node_modules/**", "next-env.d.ts", "test-results/**", "playwright-report/**", "db/migrations/**"],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-definitions": ["error", "type"],
    },
  },
  {
    // Vitest files: an assertion that is never awaited, or a test without one, passes by accident.
    files: ["**/*.test.ts", "**/*.test.tsx"],
    plugins: { vitest },
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // expect.poll(…) and expect(…).rejects not awaited, and any other promise a test drops.
      "@typescript-eslint/no-floating-promises": "error",
      "vitest/valid-expect": ["error", { alwaysAwait: true, maxArgs: 2 }],
      "vitest/expect-expect": ["error", { assertFunctionNames: ["expect", "expect*", "assert*", "*.expect*", "step"] }],
      "vitest/no-standalone-expect": ["error", { additionalTestBlockFunctions: ["beforeAll", "beforeEach", "afterEach", "afterAll"] }],
      "vitest/no-identical-title": "error",
      "vitest/no-focused-tests": "error",
      "vitest/no-disabled-tests": "error",
      "vitest/valid-title": "error",
      "vitest/no-conditional-tests": "error",
      "vitest/require-local-test-context-for-concurrent-snapshots": "error",
    },
  },
  {
    // Playwright: an expect(locator)… or a page action not awaited checks nothing, or races the next step.
    files: ["e2e/**/*.ts"],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: { "@typescript-eslint/no-floating-promises": "error" },
  },
  {
    // Every spec runs under the fixture that fails a test on a CSP violation in the browser.
    files: ["e2e/**/*.spec.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@playwright/test",
              importNames: ["test", "expect"],
              message: "Import test and expect from e2e/support/test: its fixture fails a test on any Content-Security-Policy violation.",
            },
          ],
        },
      ],
    },
  },
];

export default config;
