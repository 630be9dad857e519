// Drives Prisma's own schema engine, compiled to WebAssembly (@prisma/schema-engine-wasm), from Node.
// Prisma 7's CLI needs the native schema-engine binary for migrations, and that binary cannot be
// downloaded on offline machines; the wasm build of the same engine works through a driver adapter.
//
// Two traps handled here:
//  1. The engine replays migrations into a shadow database through `executeRaw`, which better-sqlite3
//     rejects for multi-statement SQL ("contains more than one statement"): such calls are routed to
//     `executeScript` instead.
//  2. `createMigration` refuses on SQLite without an external shadow database, so new migrations are made
//     with `diff` (existing migrations -> schema.prisma) instead; see new-migration.ts.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
  type SqlQuery,
} from "@prisma/driver-adapter-utils";
import type { MigrationList, SchemaEngine } from "@prisma/schema-engine-wasm";

export type { MigrationList, SchemaEngine };

export const NO_FILTERS = { externalTables: [] as string[], externalEnums: [] as string[] };

/** Routes multi-statement `executeRaw` calls (migration scripts replayed into the shadow DB) to `executeScript`. */
function patchAdapter(adapter: SqlDriverAdapter): SqlDriverAdapter {
  const executeRaw = adapter.executeRaw.bind(adapter);
  const executeScript = adapter.executeScript.bind(adapter);
  adapter.executeRaw = async (query: SqlQuery) => {
    try {
      return await executeRaw(query);
    } catch (e) {
      // better-sqlite3 refuses to prepare such SQL, so nothing has run yet: it is safe to retry as a script.
      if (query.args.length === 0 && /more than one statement/i.test(errorText(e))) {
        await executeScript(query.sql);
        return 0;
      }
      throw e;
    }
  };
  return adapter;
}

function errorText(e: unknown): string {
  if (!e || typeof e !== "object") return String(e);
  const parts = [String((e as Error).message ?? "")];
  const cause = (e as { cause?: unknown }).cause;
  if (cause) {
    try {
      parts.push(JSON.stringify(cause));
    } catch {
      parts.push(String(cause));
    }
  }
  return parts.join(" ");
}

function sqliteFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaBetterSqlite3({ url });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => patchAdapter(await inner.connect()),
    connectToShadowDb: async () => patchAdapter(await inner.connectToShadowDb()),
  };
}

/**
 * PostgreSQL: its shadow database is a temporary database on the same server (the adapter makes and drops it).
 * Trap: describing a database reads catalog columns of PostgreSQL's internal type "char" (oid 18, and its
 * array 1002), which the pg adapter cannot map ("Column type 'char' could not be deserialized"); pg already
 * returns them as strings, so they are reported as text.
 */
function postgresFactory(url: string): SqlMigrationAwareDriverAdapterFactory {
  const inner = new PrismaPg({ connectionString: url });
  return {
    provider: inner.provider,
    adapterName: inner.adapterName,
    connect: async () => charAsText(await inner.connect()),
    connectToShadowDb: async () => charAsText(await inner.connectToShadowDb()),
  };
}

const TEXT_FOR_OID: Record<number, number> = { 18: 25, 1002: 1009 };

type PerformIO = (query: SqlQuery) => Promise<{ fields: { dataTypeID: number }[] }>;

function charAsText<T extends object>(queryable: T): T {
  const target = queryable as unknown as { performIO?: PerformIO; startTransaction?: (...args: unknown[]) => Promise<object> };
  const performIO = target.performIO?.bind(queryable);
  if (performIO) {
    target.performIO = async (query) => {
      const result = await performIO(query);
      for (const field of result.fields) field.dataTypeID = TEXT_FOR_OID[field.dataTypeID] ?? field.dataTypeID;
      return result;
    };
  }
  const startTransaction = target.startTransaction?.bind(queryable);
  if (startTransaction) target.startTransaction = async (...args) => charAsText(await startTransaction(...args));
  return queryable;
}

type WasmModule = typeof import("@prisma/schema-engine-wasm") & { __wbg_set_wasm(exports: unknown): void };

let loaded: Promise<WasmModule> | undefined;

/** Loads the wasm-bindgen glue and instantiates the .wasm (the package's own entry imports a .wasm file directly, which Node can't). */
function loadWasm(): Promise<WasmModule> {
  loaded ??= (async () => {
    const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as WasmModule;
    const require = createRequire(path.join(process.cwd(), "package.json"));
    const pkgDir = path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg"));
    const bytes = fs.readFileSync(path.join(pkgDir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": bg as never });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start(): void }).__wbindgen_start();
    return bg;
  })();
  return loaded;
}

/**
 * A schema engine bound to a database: SQLite (`:memory:` when only diffing; the shadow database is an
 * in-memory SQLite database) or PostgreSQL for a `postgres(ql)://` URL.
 */
export async function openSchemaEngine(opts: {
  schemaPath: string;
  databaseUrl?: string;
  log?: (line: string) => void;
}): Promise<SchemaEngine> {
  const wasm = await loadWasm();
  const schema = fs.readFileSync(opts.schemaPath, "utf8");
  const log =
    opts.log ??
    ((line: string) => {
      if (process.env.DEBUG_SCHEMA_ENGINE) console.error(line);
    });
  return wasm.SchemaEngine.new(
    { datamodels: [[opts.schemaPath, schema]] },
    log,
    bindMigrationAwareSqlAdapterFactory(
      /^postgres(ql)?:\/\//.test(opts.databaseUrl ?? "") ? postgresFactory(opts.databaseUrl!) : sqliteFactory(opts.databaseUrl ?? ":memory:"),
    ),
  );
}

/** Reads prisma/migrations into the engine's MigrationList shape. */
export function readMigrationList(migrationsDir: string): MigrationList {
  const baseDir = path.resolve(migrationsDir);
  const lockPath = path.join(baseDir, "migration_lock.toml");
  const dirs = fs.existsSync(baseDir)
    ? fs
        .readdirSync(baseDir, { withFileTypes: true })
        .filter((d) => d.isDirectory())
        .map((d) => d.name)
        .sort()
    : [];
  return {
    baseDir,
    lockfile: {
      path: "migration_lock.toml",
      content: fs.existsSync(lockPath) ? fs.readFileSync(lockPath, "utf8") : null,
    },
    shadowDbInitScript: "",
    migrationDirectories: dirs.map((name) => {
      const file = path.join(baseDir, name, "migration.sql");
      return {
        path: name,
        migrationFile: {
          path: "migration.sql",
          content: fs.existsSync(file)
            ? { tag: "ok" as const, value: fs.readFileSync(file, "utf8") }
            : { tag: "error" as const, value: `${file} not found` },
        },
      };
    }),
  };
}
