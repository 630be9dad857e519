import type avroModule from "avsc";
import type protobufModule from "protobufjs";
import { readMessageIndexes } from "@/lib/domain/confluent-wire-format";
import { SchemaRegistryError, type RegisteredSchema } from "./schema-registry-client";

/** Turns a record's payload (the bytes after the wire-format header) into a JSON-compatible value. */
export type PayloadDecoder = (payload: Uint8Array) => unknown;

/**
 * Compiles a registered schema into a decoder; SCHEMA_UNSUPPORTED when the schema cannot be used.
 * The Avro and Protobuf libraries load on first use: servers without a registry never load them.
 */
export async function compileDecoder(schema: RegisteredSchema, what: string): Promise<PayloadDecoder> {
  try {
    if (schema.format === "avro") return avroDecoder(schema, (await import("avsc")).default);
    if (schema.format === "protobuf") return protobufDecoder(schema, (await import("protobufjs")).default);
    return (payload) => JSON.parse(Buffer.from(payload).toString("utf8"));
  } catch (error) {
    throw new SchemaRegistryError("SCHEMA_UNSUPPORTED", `${what}: cannot use the ${schema.format} schema: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

// Avro longs as BigInt (avsc's default refuses values beyond 2^53); toJson turns them into numbers where exact.
const bigIntLong = (avro: typeof avroModule) => avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(),
  toBuffer: (n: bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: BigInt,
  toJSON: Number,
  isValid: (n: unknown) => typeof n === "bigint",
  compare: (a: bigint, b: bigint) => (a === b ? 0 : a < b ? -1 : 1),
});

function avroDecoder(schema: RegisteredSchema, avro: typeof avroModule): PayloadDecoder {
  const registry: Record<string, avroModule.Type> = { long: bigIntLong(avro) };
  // Referenced named types register themselves in `registry`, where the main schema finds them.
  for (const ref of schema.references) avro.Type.forSchema(JSON.parse(ref.schema), { registry });
  const type = avro.Type.forSchema(JSON.parse(schema.schema), { registry });
  return (payload) => toJson(type.fromBuffer(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)));
}

function protobufDecoder(schema: RegisteredSchema, protobuf: typeof protobufModule): PayloadDecoder {
  const options = { keepCase: true };
  // The message indexes count the messages of the schema's own file, in declaration order.
  const own = protobuf.parse(schema.schema, new protobuf.Root(), options);
  const ownPackage = own.package ? own.root.lookup(own.package) : own.root;
  if (!(ownPackage instanceof protobuf.Namespace)) throw new Error(`package ${own.package} not found`);
  const root = new protobuf.Root();
  const provided = new Set(schema.references.map((r) => r.name));
  for (const name of own.imports ?? []) {
    const wellKnown = protobuf.common.get(name);
    if (wellKnown && !provided.has(name)) root.addJSON(wellKnown.nested ?? {});
  }
  for (const ref of schema.references) protobuf.parse(ref.schema, root, options);
  protobuf.parse(schema.schema, root, options);
  root.resolveAll();
  const types = new Map<string, protobufModule.Type>();
  const typeAt = (indexes: number[]): protobufModule.Type => {
    const key = indexes.join(".");
    let type = types.get(key);
    if (!type) {
      let scope: protobufModule.Namespace = ownPackage;
      let found: protobufModule.Type | undefined;
      for (const i of indexes) {
        found = scope.nestedArray.filter((n): n is protobufModule.Type => n instanceof protobuf.Type)[i];
        if (!found) throw new Error(`the schema has no message at indexes [${indexes.join(", ")}]`);
        scope = found;
      }
      type = root.lookupType(found!.fullName);
      types.set(key, type);
    }
    return type;
  };
  return (payload) => {
    const { indexes, rest } = readMessageIndexes(payload);
    const type = typeAt(indexes);
    const message = type.decode(rest);
    return toJson(type.toObject(message, { longs: BigInt, enums: String, bytes: String, defaults: true, arrays: true, objects: true, oneofs: true }));
  };
}

/** A decoded value as plain JSON data: exact integers as numbers (else strings), bytes as base64. */
export function toJson(value: unknown): unknown {
  if (typeof value === "bigint") return value >= Number.MIN_SAFE_INTEGER && value <= Number.MAX_SAFE_INTEGER ? Number(value) : value.toString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64");
  if (Array.isArray(value)) return value.map(toJson);
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toJson(v);
    return out;
  }
  return value;
}
