import fs from "node:fs";
import { z } from "zod";

export type SchemaFormat = "avro" | "protobuf" | "json";

/** A schema as the registry holds it, with the schemas it references (Protobuf imports, Avro named types), resolved. */
export interface RegisteredSchema {
  format: SchemaFormat;
  schema: string;
  /** `name` is the import path (Protobuf) or type name (Avro) the schema refers to it by. */
  references: { name: string; format: SchemaFormat; schema: string }[];
}

/** Why a schema could not be had. `code` is stable; the registry's own answer is in the message. */
export class SchemaRegistryError extends Error {
  constructor(
    readonly code: "SCHEMA_NOT_FOUND" | "SCHEMA_REGISTRY_UNAVAILABLE" | "SCHEMA_UNSUPPORTED",
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "SchemaRegistryError";
  }
}

export interface SchemaRegistryConfig {
  /** Base URL of the Confluent Schema Registry API (Apicurio: …/apis/ccompat/v7). */
  url: string;
  username?: string;
  password?: string;
  timeoutMs: number;
}

const schemaResponse = z.object({
  schema: z.string(),
  schemaType: z.string().optional(),
  references: z.array(z.object({ name: z.string(), subject: z.string(), version: z.number() })).optional(),
});

const FORMATS: Record<string, SchemaFormat> = { AVRO: "avro", PROTOBUF: "protobuf", JSON: "json" };
/** Schemas cached per client: ids are immutable, so entries stay until the cap evicts the oldest. */
const CACHE_CAP = 1000;
/** A schema id the registry did not know is asked again after this long (it may have been registered since). */
const NOT_FOUND_TTL_MS = 30_000;
/** Nesting depth of references followed; deeper is taken as a cycle. */
const MAX_REFERENCE_DEPTH = 16;

/** Reads SCHEMA_REGISTRY_* (README "Configuration"); null when no registry is configured. */
export function schemaRegistryConfigFromEnv(env: Record<string, string | undefined> = process.env): SchemaRegistryConfig | null {
  const url = env.SCHEMA_REGISTRY_URL?.trim();
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error("SCHEMA_REGISTRY_URL must be an http(s) URL such as https://registry:8081");
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new Error("SCHEMA_REGISTRY_URL must be an http(s) URL such as https://registry:8081");
  // Kept out of the URL so they never show where the URL does (logs, errors).
  if (parsed.username || parsed.password) throw new Error("SCHEMA_REGISTRY_URL must not hold credentials: set SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD");
  const password = env.SCHEMA_REGISTRY_PASSWORD ?? (env.SCHEMA_REGISTRY_PASSWORD_FILE ? fs.readFileSync(env.SCHEMA_REGISTRY_PASSWORD_FILE, "utf8").trim() : undefined);
  const username = env.SCHEMA_REGISTRY_USERNAME;
  if ((username === undefined) !== (password === undefined)) {
    throw new Error("SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD (or SCHEMA_REGISTRY_PASSWORD_FILE) go together");
  }
  const timeoutMs = Number(env.SCHEMA_REGISTRY_TIMEOUT_MS ?? 5000);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000) throw new Error("SCHEMA_REGISTRY_TIMEOUT_MS must be a whole number from 100 to 120000");
  return { url: url.replace(/\/+$/, ""), username, password, timeoutMs };
}

/** Fetches schemas by id from a Confluent-compatible registry, once per id. */
export class SchemaRegistryClient {
  private readonly cache = new Map<number, Promise<RegisteredSchema>>();
  private readonly notFoundAt = new Map<number, number>();

  constructor(
    private readonly config: SchemaRegistryConfig,
    private readonly now: () => number = Date.now,
  ) {}

  getSchema(id: number): Promise<RegisteredSchema> {
    const notFound = this.notFoundAt.get(id);
    if (notFound !== undefined && this.now() - notFound > NOT_FOUND_TTL_MS) {
      this.cache.delete(id);
      this.notFoundAt.delete(id);
    }
    let schema = this.cache.get(id);
    if (!schema) {
      schema = this.load(`/schemas/ids/${id}`, `schema id ${id}`, 0);
      this.cache.set(id, schema);
      if (this.cache.size > CACHE_CAP) this.cache.delete(this.cache.keys().next().value!);
      // An unreachable registry is asked again next time; an unknown id after a while.
      schema.catch((error) => {
        if (error instanceof SchemaRegistryError && error.code === "SCHEMA_NOT_FOUND") this.notFoundAt.set(id, this.now());
        else this.cache.delete(id);
      });
    }
    return schema;
  }

  private async load(pathName: string, what: string, depth: number): Promise<RegisteredSchema> {
    if (depth > MAX_REFERENCE_DEPTH) throw new SchemaRegistryError("SCHEMA_UNSUPPORTED", `${what}: references nest deeper than ${MAX_REFERENCE_DEPTH}`);
    const body = schemaResponse.safeParse(await this.fetchJson(pathName, what));
    if (!body.success) throw new SchemaRegistryError("SCHEMA_REGISTRY_UNAVAILABLE", `${what}: the registry's answer is not a schema`);
    const format = FORMATS[body.data.schemaType ?? "AVRO"];
    if (!format) throw new SchemaRegistryError("SCHEMA_UNSUPPORTED", `${what}: schema type ${body.data.schemaType} is not supported`);
    const references: RegisteredSchema["references"] = [];
    for (const ref of body.data.references ?? []) {
      const referenced = await this.load(`/subjects/${encodeURIComponent(ref.subject)}/versions/${ref.version}`, `${what}: reference ${ref.subject} v${ref.version}`, depth + 1);
      // Referenced schemas' own references come first, so each is defined before it is used.
      references.push(...referenced.references, { name: ref.name, format: referenced.format, schema: referenced.schema });
    }
    return { format, schema: body.data.schema, references };
  }

  private async fetchJson(pathName: string, what: string): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/vnd.schemaregistry.v1+json, application/json" };
    if (this.config.username !== undefined) {
      headers.authorization = `Basic ${Buffer.from(`${this.config.username}:${this.config.password}`).toString("base64")}`;
    }
    let res: Response;
    try {
      res = await fetch(`${this.config.url}${pathName}`, { headers, signal: AbortSignal.timeout(this.config.timeoutMs) });
    } catch (error) {
      const reason = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${this.config.timeoutMs} ms` : String((error as Error)?.cause ?? error);
      throw new SchemaRegistryError("SCHEMA_REGISTRY_UNAVAILABLE", `${what}: schema registry not reachable (${reason})`, { cause: error });
    }
    const text = await res.text();
    if (res.status === 404) throw new SchemaRegistryError("SCHEMA_NOT_FOUND", `${what} is not in the schema registry (${text.slice(0, 200)})`);
    if (!res.ok) throw new SchemaRegistryError("SCHEMA_REGISTRY_UNAVAILABLE", `${what}: schema registry answered ${res.status} (${text.slice(0, 200)})`);
    try {
      return JSON.parse(text);
    } catch {
      throw new SchemaRegistryError("SCHEMA_REGISTRY_UNAVAILABLE", `${what}: the registry's answer is not JSON`);
    }
  }
}
