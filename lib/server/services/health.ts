import type { HealthDto } from "@/lib/contracts/jobs";
import type { KafkaLog } from "@/lib/domain/ports";
import type { Db } from "../stores/tx";

export async function checkHealth(db: Db, log: KafkaLog, brokers: string[]): Promise<HealthDto> {
  const [dbResult, kafkaResult] = await Promise.allSettled([
    db.$queryRawUnsafe("SELECT 1"),
    withTimeout(log.topicNames(), 5000),
  ]);
  const reason = (r: PromiseSettledResult<unknown>) =>
    r.status === "rejected" ? (r.reason instanceof Error ? r.reason.message : String(r.reason)) : undefined;
  const dbOk = dbResult.status === "fulfilled";
  const kafkaOk = kafkaResult.status === "fulfilled";
  return {
    status: dbOk && kafkaOk ? "ok" : "degraded",
    db: dbOk ? { ok: true } : { ok: false, error: reason(dbResult) },
    kafka: kafkaOk ? { ok: true, brokers } : { ok: false, brokers, error: reason(kafkaResult) },
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref()),
  ]);
}
