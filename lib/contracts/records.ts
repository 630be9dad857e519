import { z } from "zod";
import { isZonedDateTime } from "@/lib/domain/zoned-date-time";

/** A key, value or header as the browser shows it: text when it is printable UTF-8, hex otherwise. */
export type PayloadDto =
  | { encoding: "null" }
  | { encoding: "utf8"; text: string; bytes: number; truncated: boolean }
  | { encoding: "hex"; hex: string; bytes: number; truncated: boolean };

/**
 * A key or value in the Confluent Schema Registry wire format, decoded with its schema (when the
 * server has SCHEMA_REGISTRY_URL): its JSON text, or why it could not be decoded (`code`:
 * SCHEMA_NOT_FOUND, SCHEMA_REGISTRY_UNAVAILABLE, SCHEMA_UNSUPPORTED, SCHEMA_DECODE_FAILED).
 */
export type SchemaDecodingDto =
  | { schemaId: number; format: "avro" | "protobuf" | "json"; json: string; truncated: boolean }
  | { schemaId: number; error: { code: string; message: string } };

/** The raw bytes' view, plus the decoding when they are in the wire format and a registry is configured. */
export type DecodablePayloadDto = PayloadDto & { decoded?: SchemaDecodingDto };

export interface RecordDto {
  topic: string;
  partition: number;
  offset: number;
  timestamp: string;
  key: DecodablePayloadDto;
  value: DecodablePayloadDto;
  headers: { name: string; value: PayloadDto }[];
}

export interface RecordPageDto {
  items: RecordDto[];
  /** Offset to ask for next (`?offset=`), or null at the log end. */
  next: string | null;
  logStartOffset: number;
  logEndOffset: number;
}

const offsetField = z.coerce
  .number({ error: "offset must be a number" })
  .int("offset must be a whole number")
  .min(0, "offset must not be negative")
  .max(Number.MAX_SAFE_INTEGER, "offset is too large");

export const recordsQuerySchema = z
  .strictObject({
    offset: offsetField.optional(),
    timestamp: z
      .string()
      .refine((t) => !Number.isNaN(Date.parse(t)), "timestamp must be an ISO-8601 date-time, e.g. 2026-11-27T10:00:00Z")
      // Without a zone JavaScript would read it in the server's own zone: refused rather than guessed.
      .refine((t) => Number.isNaN(Date.parse(t)) || isZonedDateTime(t), "timestamp needs a time zone: add Z for UTC or an offset, e.g. 2026-11-27T10:00:00Z or 2026-11-27T10:00:00+01:00")
      // Kafka reads the timestamps -1 and -2 as "latest" and "earliest".
      .refine((t) => !(Date.parse(t) < 0), "timestamp must be at or after 1970-01-01T00:00:00Z")
      .optional(),
    limit: z.coerce.number({ error: "limit must be a number" }).int().min(1, "limit must be at least 1").max(200, "limit must be at most 200").default(25),
  })
  .refine((q) => !(q.offset !== undefined && q.timestamp !== undefined), "give offset or timestamp, not both");

export const recordsParamsSchema = z.strictObject({
  topic: z.string().regex(/^[a-zA-Z0-9._-]{1,249}$/, "not a valid topic name"),
  partition: z.coerce.number({ error: "partition must be a number" }).int("partition must be a whole number").min(0, "partition must not be negative"),
});
