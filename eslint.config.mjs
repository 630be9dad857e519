import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", ".next-*/**", "node_modules/**", "lib/server/db/generated/**", "data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"],
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
];

export default config;
