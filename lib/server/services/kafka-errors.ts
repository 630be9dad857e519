import { AppError } from "../http/app-error";
import { CompressionError } from "../kafka/compression-codecs";

export function asKafkaUnavailable(error: unknown): Error {
  if (error instanceof AppError) return error;
  // Kafka answered, but with records this server cannot decompress: not an outage.
  if (error instanceof CompressionError) return new AppError(error.code, error.message, { codec: error.codec });
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("KAFKA_UNAVAILABLE", `Kafka is not reachable: ${message}`);
}
