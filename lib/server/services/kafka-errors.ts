import { AppError } from "../http/app-error";

export function asKafkaUnavailable(error: unknown): Error {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError("KAFKA_UNAVAILABLE", `Kafka is not reachable: ${message}`);
}
