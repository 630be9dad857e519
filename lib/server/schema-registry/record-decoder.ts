import type { SchemaDecodingDto } from "@/lib/contracts/records";
import { parseWireFormat, WireFormatError } from "@/lib/domain/confluent-wire-format";
import { compileDecoder, type PayloadDecoder } from "./schema-decoders";
import { SchemaRegistryClient, SchemaRegistryError, schemaRegistryConfigFromEnv, type SchemaFormat } from "./schema-registry-client";

/** Characters of decoded JSON the browser and the dead letters show; the rest is marked truncated. */
const PREVIEW_CHARS = 16_384;

export type DecodeResult =
  | { ok: true; schemaId: number; format: SchemaFormat; value: unknown }
  | { ok: false; schemaId: number; code: DecodeErrorCode; message: string };

export type DecodeErrorCode = SchemaRegistryError["code"] | "SCHEMA_DECODE_FAILED";

interface CompiledSchema {
  format: SchemaFormat;
  decode: PayloadDecoder;
}

/**
 * Decodes keys and values in the Confluent wire format with schemas from the registry. Each schema is
 * fetched and compiled once per id. Bytes not in the wire format are left alone (`decode` gives null).
 */
export class RecordDecoder {
  private readonly compiled = new Map<number, Promise<CompiledSchema>>();

  constructor(private readonly client: SchemaRegistryClient) {}

  /** Null when the bytes are not in the wire format; otherwise the decoded value or why it could not be decoded. */
  async decode(bytes: Buffer | null): Promise<DecodeResult | null> {
    const wire = parseWireFormat(bytes);
    if (!wire) return null;
    try {
      const schema = await this.schema(wire.schemaId);
      return this.decodeWith(schema, wire.schemaId, wire.payload);
    } catch (error) {
      if (error instanceof SchemaRegistryError) return { ok: false, schemaId: wire.schemaId, code: error.code, message: error.message };
      throw error;
    }
  }

  /**
   * For a synchronous pass over a batch (forward's filter): fetches the schemas the bytes name, then
   * returns a decoder that needs no I/O. An unreachable registry rejects (the batch fails and is
   * retried); a schema the registry does not have, or cannot be used, is a decode error per record.
   */
  async prepare(all: Iterable<Buffer | null>): Promise<(bytes: Buffer | null) => DecodeResult | null> {
    const ids = new Set<number>();
    for (const bytes of all) {
      const wire = parseWireFormat(bytes);
      if (wire) ids.add(wire.schemaId);
    }
    const ready = new Map<number, CompiledSchema | SchemaRegistryError>();
    for (const id of ids) {
      try {
        ready.set(id, await this.schema(id));
      } catch (error) {
        if (!(error instanceof SchemaRegistryError)) throw error;
        if (error.code !== "SCHEMA_REGISTRY_UNAVAILABLE") ready.set(id, error);
        // The batch's failure message, as the job shows it, starts with the code.
        else throw new SchemaRegistryError(error.code, `${error.code}: ${error.message}`, { cause: error });
      }
    }
    return (bytes) => {
      const wire = parseWireFormat(bytes);
      if (!wire) return null;
      const schema = ready.get(wire.schemaId);
      if (schema === undefined) throw new Error(`schema id ${wire.schemaId} was not prepared`);
      if (schema instanceof SchemaRegistryError) return { ok: false, schemaId: wire.schemaId, code: schema.code, message: schema.message };
      return this.decodeWith(schema, wire.schemaId, wire.payload);
    };
  }

  private decodeWith(schema: CompiledSchema, schemaId: number, payload: Uint8Array): DecodeResult {
    try {
      return { ok: true, schemaId, format: schema.format, value: schema.decode(payload) };
    } catch (error) {
      const reason = error instanceof WireFormatError || error instanceof Error ? error.message : String(error);
      return { ok: false, schemaId, code: "SCHEMA_DECODE_FAILED", message: `bytes do not decode with ${schema.format} schema id ${schemaId}: ${reason}` };
    }
  }

  private schema(id: number): Promise<CompiledSchema> {
    let compiled = this.compiled.get(id);
    if (!compiled) {
      compiled = this.client.getSchema(id).then(async (schema) => ({ format: schema.format, decode: await compileDecoder(schema, `schema id ${id}`) }));
      this.compiled.set(id, compiled);
      // Failures are not kept here: the client decides when to ask the registry again.
      compiled.catch(() => this.compiled.delete(id));
    }
    return compiled;
  }
}

/** The API's view of a decoding: JSON text of the value, or the error's code and message. */
export function toSchemaDecodingDto(result: DecodeResult): SchemaDecodingDto {
  if (!result.ok) return { schemaId: result.schemaId, error: { code: result.code, message: result.message } };
  const json = JSON.stringify(result.value) ?? "null";
  const truncated = json.length > PREVIEW_CHARS;
  return { schemaId: result.schemaId, format: result.format, json: truncated ? json.slice(0, PREVIEW_CHARS) : json, truncated };
}

const decoders = new Map<string, RecordDecoder>();

/**
 * The decoder for the registry configured in the environment (SCHEMA_REGISTRY_URL), or null when
 * there is none. One per process or thread and configuration, so its caches are shared.
 */
export function recordDecoderFromEnv(env: Record<string, string | undefined> = process.env): RecordDecoder | null {
  const config = schemaRegistryConfigFromEnv(env);
  if (!config) return null;
  const key = JSON.stringify(config);
  let decoder = decoders.get(key);
  if (!decoder) {
    decoder = new RecordDecoder(new SchemaRegistryClient(config));
    decoders.set(key, decoder);
  }
  return decoder;
}
