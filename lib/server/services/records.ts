import type { PayloadDto, RecordDto, RecordPageDto } from "@/lib/contracts/records";
import type { KafkaLog } from "@/lib/domain/ports";
import type { KafkaRecord } from "@/lib/domain/types";
import { AppError } from "../http/app-error";
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
    return { items: records.map(toRecordDto), next: until < logEndOffset ? String(until) : null, logStartOffset, logEndOffset };
  } catch (error) {
    throw error instanceof AppError ? error : asKafkaUnavailable(error);
  }
}

function toRecordDto(r: KafkaRecord): RecordDto {
  return {
    topic: r.topic,
    partition: r.partition,
    offset: r.offset,
    timestamp: new Date(r.timestamp).toISOString(),
    key: toPayload(r.key),
    value: toPayload(r.value),
    headers: Object.entries(r.headers).map(([name, v]) => ({ name, value: toPayload(v === undefined ? null : Buffer.isBuffer(v) ? v : Buffer.from(String(v))) })),
  };
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
