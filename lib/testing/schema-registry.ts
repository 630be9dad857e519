/**
 * A real schema registry for integration tests (Apicurio Registry in its Confluent-compatible mode,
 * scripts/schema-registry/registry.ts), started by the test files that need it.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startSchemaRegistry, type LocalSchemaRegistry } from "../../scripts/schema-registry/registry";

/** Cold start builds the registry with Maven first (minutes); later starts take seconds. */
export const SCHEMA_REGISTRY_START_TIMEOUT_MS = 900_000;

export interface TestSchemaRegistry extends LocalSchemaRegistry {
  /** Registers a schema under a subject through the Confluent API; resolves to its schema id. */
  register(subject: string, schema: { schemaType?: "AVRO" | "PROTOBUF" | "JSON"; schema: string; references?: { name: string; subject: string; version: number }[] }): Promise<number>;
  /** Stops the registry and removes its log folder (kept with TIDEMARK_KEEP_KAFKA_DATA=1). */
  close(): Promise<void>;
}

export async function startTestSchemaRegistry(): Promise<TestSchemaRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-schema-registry-"));
  const registry = await startSchemaRegistry({ logFile: path.join(dir, "registry.log") });
  return {
    ...registry,
    async register(subject, schema) {
      const res = await fetch(`${registry.url}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: "POST",
        headers: { "content-type": "application/vnd.schemaregistry.v1+json" },
        body: JSON.stringify(schema),
      });
      const body = (await res.json()) as { id?: number };
      if (!res.ok || typeof body.id !== "number") throw new Error(`registering ${subject}: ${res.status} ${JSON.stringify(body)}`);
      return body.id;
    },
    async close() {
      await registry.stop();
      if (!process.env.TIDEMARK_KEEP_KAFKA_DATA) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
