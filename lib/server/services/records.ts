import type { DecodablePayloadDto, PayloadDto, RecordDto, RecordPageDto } from "@/lib/contracts/records";
import type { KafkaLog } from "@/lib/domain/ports";
import type { KafkaRecord } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
import { recordDecoderFromEnv, toSchemaDecodingDto, type RecordDecoder } from "../schema-registry/record-decoder";
import { asKafkaUnavailable } from "./kafka-errors";
import { assertTopicsExist } from "./topics";

/** Bytes of a key or value shown in the browser; the rest is marked truncated. */
const PREVIEW_BYTES = 4096;

/** A page of records of one partition, from an offset or from the first record at or after a time. */
export async function browseRecords(
  log: KafkaLog,
  q: { topic: string; partition: number; offset?: number; timestamp?: string; limit: number },
): Promise<RecordPageDto> {
  await assertTopicsExist(log, [q.topic]);
  const decoder = recordDecoderFromEnv();
  try {
    const offsets = (await log.logOffsets([q.topic])).find((o) => o.partition === q.partition);
    if (!offsets) throw new AppError("UNKNOWN_PARTITION", `topic ${q.topic} has no partition ${q.partition}`);
    const { logStartOffset, logEndOffset } = offsets;
    let from = q.offset ?? logStartOffset;
    if (q.timestamp !== undefined) from = (await log.offsetsForTime(q.topic, Date.parse(q.timestamp))).get(q.partition) ?? logEndOffset;
    from = Math.max(from, logStartOffset);
    const until = Math.min(logEndOffset, from + q.limit);
    const records: KafkaRecord[] = [];
    if (until > from) await log.readRanges([{ topic: q.topic, partition: q.partition, fromOffset: from, untilOffset: until }], (chunk) => void records.push(...chunk));
    const items = await Promise.all(records.map((r) => toRecordDto(r, decoder)));
    return { items, next: until < logEndOffset ? String(until) : null, logStartOffset, logEndOffset };
  } catch (error) {
    throw error instanceof AppError ? error : asKafkaUnavailable(error);
  }
}

async function toRecordDto(r: KafkaRecord, decoder: RecordDecoder | null): Promise<RecordDto> {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(r.timestamp).toISOString(),
    key: await toDecodablePayload(r.key, decoder),
    value: await toDecodablePayload(r.value, decoder),
    headers: Object.entries(r.headers).map(([name, v]) => ({ name, value: toPayload(v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v))) })),
  };
}

/** The raw view, plus the Schema Registry decoding when a registry is configured and the bytes are in its wire format. */
async function toDecodablePayload(buf: Buffer | null, decoder: RecordDecoder | null): Promise<DecodablePayloadDto> {
  const decoded = decoder ? await decoder.decode(buf) : null;
  return decoded ? { ...toPayload(buf), decoded: toSchemaDecodingDto(decoded) } : toPayload(buf);
}

export function toPayload(buf: Buffer | null): PayloadDto {
  if (buf === null) return { encoding: "null" };
  const truncated = buf.length > PREVIEW_BYTES;
  const head = truncated ? buf.subarray(0, PREVIEW_BYTES) : buf;
  const text = head.toString("utf8");
  // Printable UTF-8 (a cut in the middle of a character at the truncation point is fine).
  const printable = !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text) && (truncated || !text.includes("\ufffd"));
  return printable ? { encoding: "utf8", text, bytes: buf.length, truncated } : { encoding: "hex", hex: head.toString("hex"), bytes: buf.length, truncated };
}
