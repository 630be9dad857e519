import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;

/**
 * The store and runtime suites that run a second time on PostgreSQL (TEST_DATABASE=postgres, a throwaway
 * cluster from scripts/test/vitest-postgres-setup.ts); the rest stays on SQLite only, to keep `npm test` short.
 */
const postgresSuites = [
  "lib/server/db/postgres-schema.int.test.ts",
  "lib/server/db/postgres-binary-copy.test.ts",
  "lib/server/cluster/leases.test.ts",
  "lib/server/cluster/cluster.int.test.ts",
  "lib/server/cluster/fencing.int.test.ts",
  "lib/server/cluster/leader-gate.test.ts",
  "lib/server/cluster/paused-owner.test.ts",
  "lib/server/processors/count-by-key.test.ts",
  "lib/server/processors/processor-migrations-postgres.int.test.ts",
  "lib/server/processors/store-records.test.ts",
  "lib/server/runtime/batch-executor.test.ts",
  "lib/server/runtime/batch-history.test.ts",
  "lib/server/runtime/job-runtime.int.test.ts",
  "lib/server/runtime/job-faults.int.test.ts",
  "lib/server/runtime/job-concurrency.int.test.ts",
  "lib/server/runtime/batch-limits.int.test.ts",
  "lib/server/runtime/read-ahead.int.test.ts",
  "lib/server/services/resets.int.test.ts",
  "lib/server/services/resets-race.int.test.ts",
  "lib/server/services/next-read-offset.int.test.ts",
  "lib/server/lag/lag.int.test.ts",
  "lib/server/auth/sign-in-counters-store.test.ts",
  "lib/server/services/auth-instances.test.ts",
];

export default defineConfig({
  resolve: {
    alias: {
      "@": root,
      // What processors in the processors folder import (README "Write your own processor").
      "tidemark/processor": path.join(root, "lib/server/processors/sdk.ts"),
      // Server modules mark themselves server-only for Next.js; tests run them in plain Node.
      "server-only": path.join(root, "lib/testing/empty-module.ts"),
    },
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["lib/**/*.test.ts", "components/**/*.test.{ts,tsx}", "scripts/**/*.test.ts", "processors/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**"],
          environment: "node",
          // Vitest's 5 s is too tight when the build and e2e share the two cores (npm test's lanes).
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["lib/**/*.int.test.ts", "scripts/**/*.int.test.ts"],
          exclude: ["node_modules/**"],
          environment: "node",
          globalSetup: ["scripts/test/vitest-global-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: integration files share one broker; run them one after another.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "postgres",
          include: postgresSuites,
          exclude: ["node_modules/**"],
          environment: "node",
          env: { TEST_DATABASE: "postgres" },
          globalSetup: ["scripts/test/vitest-global-setup.ts", "scripts/test/vitest-postgres-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
