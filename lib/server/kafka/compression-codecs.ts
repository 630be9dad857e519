/**
 * Every compression codec Kafka writes (gzip, snappy, lz4, zstd) in kafkajs' codec registry
 * (`CompressionCodecs`): kafkajs 2.2.4 ships gzip only. The registry serves both directions, so this
 * makes our record-batch reader decode (kafkajs-internals.ts `decompressRecords`) and kafkajs
 * producers encode (`producer.send({ compression: CompressionTypes.LZ4 })`) every codec.
 * Imported for its effect by kafka-client.ts and kafkajs-internals.ts; registering twice is harmless.
 *
 * The native packages (napi-rs, prebuilt per platform) load on first use, so a platform without one
 * only loses that codec, with an error that names it.
 */
import kafkajs from "kafkajs";
import { promisify } from "node:util";
import zlib from "node:zlib";

// Through the default export: under Node's own ES module loader (the runtime's bundle) kafkajs names
// only some of its exports, and not CompressionCodecs.
const { CompressionCodecs, CompressionTypes } = kafkajs;

/** kafkajs' codec shape: compress gets its records encoder, decompress the batch's records section. */
export interface KafkajsCodec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

export type CompressionErrorCode = "COMPRESSION_UNSUPPORTED" | "COMPRESSION_CORRUPT";

/** A record batch whose codec is unavailable, or whose compressed bytes its codec cannot read. */
export class CompressionError extends Error {
  constructor(
    readonly code: CompressionErrorCode,
    readonly codec: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = "CompressionError";
  }
}

/** The names Kafka gives its codecs (topic config `compression.type`), by attribute value. */
export const CODEC_NAMES: Record<number, string> = {
  [CompressionTypes.None]: "none",
  [CompressionTypes.GZIP]: "gzip",
  [CompressionTypes.Snappy]: "snappy",
  [CompressionTypes.LZ4]: "lz4",
  [CompressionTypes.ZSTD]: "zstd",
};

/** The level Kafka's own producers use for zstd (`compression.zstd.level` default). */
const ZSTD_LEVEL = 3;

// ---------------------------------------------------------------- snappy (xerial framing or raw)

/**
 * The Java client writes snappy-java's stream format ("xerial"): this magic, a version and a
 * compatible version (int32 each), then chunks of int32 length + raw snappy. librdkafka writes one raw
 * snappy block. Both are read; we write xerial as Java does, which every client reads.
 */
const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
/** snappy-java's default block size, which Kafka's Java producer uses. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

function isXerialHeaderAt(buffer: Buffer, pos: number): boolean {
  return buffer.length >= pos + XERIAL_HEADER_BYTES && buffer.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0;
}

/** Raw snappy blocks (uncompress) of a xerial stream; a concatenated stream's header is skipped as snappy-java does. */
export function xerialChunks(buffer: Buffer): Buffer[] {
  const chunks: Buffer[] = [];
  let pos = 0;
  while (pos < buffer.length) {
    if (isXerialHeaderAt(buffer, pos)) {
      pos += XERIAL_HEADER_BYTES;
      continue;
    }
    if (pos + 4 > buffer.length) throw new Error(`xerial snappy stream cut at byte ${pos} of ${buffer.length}`);
    const length = buffer.readInt32BE(pos);
    pos += 4;
    if (length < 0 || pos + length > buffer.length) throw new Error(`xerial snappy chunk of ${length} bytes at byte ${pos - 4} overruns the ${buffer.length}-byte stream`);
    chunks.push(buffer.subarray(pos, pos + length));
    pos += length;
  }
  return chunks;
}

async function snappyCodec(): Promise<KafkajsCodec> {
  const { compressSync, uncompressSync } = await import("snappy");
  const uncompress = (block: Buffer) => uncompressSync(block, { asBuffer: true }) as Buffer;
  return {
    async compress({ buffer }) {
      const parts = [XERIAL_MAGIC, int32Pair(1, 1)];
      for (let pos = 0; pos < buffer.length; pos += XERIAL_BLOCK_BYTES) {
        const block = compressSync(buffer.subarray(pos, pos + XERIAL_BLOCK_BYTES));
        parts.push(int32(block.length), block);
      }
      return Buffer.concat(parts);
    },
    async decompress(buffer) {
      if (!isXerialHeaderAt(buffer, 0)) return uncompress(buffer);
      return Buffer.concat(xerialChunks(buffer).map(uncompress));
    },
  };
}

function int32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
}

function int32Pair(a: number, b: number): Buffer {
  return Buffer.concat([int32(a), int32(b)]);
}

// ---------------------------------------------------------------- lz4 (frame format), zstd, gzip

/** LZ4 frames (magic v2 batches): independent blocks, no checksums, as Java's KafkaLZ4BlockOutputStream reads. */
async function lz4Codec(): Promise<KafkajsCodec> {
  const { compressFrameSync, decompressFrameSync } = await import("lz4-napi");
  return {
    async compress({ buffer }) {
      return compressFrameSync(buffer);
    },
    async decompress(buffer) {
      return decompressFrameSync(buffer);
    },
  };
}

/** Reference libzstd: reads frames with or without a content size (Java and librdkafka stream them). */
async function zstdCodec(): Promise<KafkajsCodec> {
  const { Decoder, Encoder } = await import("@toondepauw/node-zstd");
  const encoder = new Encoder(ZSTD_LEVEL);
  const decoder = new Decoder();
  return {
    async compress({ buffer }) {
      return encoder.encodeSync(buffer);
    },
    async decompress(buffer) {
      return decoder.decodeSync(buffer);
    },
  };
}

const gunzip = promisify(zlib.unzip);
const gzip = promisify(zlib.gzip);

async function gzipCodec(): Promise<KafkajsCodec> {
  return {
    compress: ({ buffer }) => gzip(buffer),
    decompress: (buffer) => gunzip(buffer),
  };
}

// ---------------------------------------------------------------- registration

/**
 * A codec whose package loads on first use. Load failures name the codec; so do decode failures,
 * with the package's error as the cause.
 */
function lazyCodec(type: number, load: () => Promise<KafkajsCodec>): KafkajsCodec {
  const name = CODEC_NAMES[type];
  let loaded: Promise<KafkajsCodec> | null = null;
  const codec = () =>
    (loaded ??= load().catch((cause: unknown) => {
      loaded = null;
      throw new CompressionError("COMPRESSION_UNSUPPORTED", name, `the ${name} codec could not be loaded on this platform: ${messageOf(cause)}`, { cause });
    }));
  return {
    compress: async (encoder) => (await codec()).compress(encoder),
    async decompress(buffer) {
      const decoder = await codec();
      try {
        return await decoder.decompress(buffer);
      } catch (cause) {
        throw new CompressionError("COMPRESSION_CORRUPT", name, `${name} record batch could not be decompressed (${buffer.length} bytes): ${messageOf(cause)}`, { cause });
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Codecs Tidemark provides, keyed by kafkajs' CompressionTypes (Kafka's batch attribute values). */
export const KAFKA_CODECS: Record<number, KafkajsCodec> = {
  [CompressionTypes.GZIP]: lazyCodec(CompressionTypes.GZIP, gzipCodec),
  [CompressionTypes.Snappy]: lazyCodec(CompressionTypes.Snappy, snappyCodec),
  [CompressionTypes.LZ4]: lazyCodec(CompressionTypes.LZ4, lz4Codec),
  [CompressionTypes.ZSTD]: lazyCodec(CompressionTypes.ZSTD, zstdCodec),
};

/** Puts every codec into kafkajs' registry (kafkajs calls the factory at each lookup). */
export function registerCompressionCodecs(): void {
  const registry = CompressionCodecs as unknown as Record<number, () => KafkajsCodec>;
  for (const [type, codec] of Object.entries(KAFKA_CODECS)) registry[Number(type)] = () => codec;
}

registerCompressionCodecs();
