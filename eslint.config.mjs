import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", "lib/server/db/generated/**", "lib/server/db/generated-postgresql/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
  },
  {
    // Layering: the browser side never reaches into server code, Prisma or kafkajs.
    files: ["components/**", "lib/client/**", "lib/contracts/**", "lib/domain/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/server/*", "**/lib/server/**", "kafkajs", "@prisma/*", "better-sqlite3"], message: "Browser and domain code must not import server modules." }] },
      ],
    },
  },
  {
    // lib/domain is pure: it imports nothing outside itself (tests may import vitest).
    files: ["lib/domain/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/*", "!@/lib/domain", "!@/lib/domain/*"], message: "lib/domain imports only lib/domain." },
            { group: ["../*"], message: "lib/domain imports only lib/domain." },
            { group: ["kafkajs", "@prisma/*", "better-sqlite3", "zod", "react", "next", "next/*", "node:*"], message: "lib/domain is pure TypeScript without I/O or frameworks." },
          ],
        },
      ],
    },
  },
  {
    // Route handlers parse input and call a service: stores, Prisma and kafkajs stay behind services.
    files: ["app/api/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@/lib/server/stores/*", "**/stores/*", "@prisma/*", "kafkajs", "better-sqlite3"], message: "Routes call services (lib/server/services), never stores, Prisma or kafkajs." }] },
      ],
    },
  },
];

export default config;
