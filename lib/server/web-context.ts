import "server-only";
import { createPrismaClient } from "./db/client";
import { env, kafkaBrokers } from "./env";
import { createKafka } from "./kafka/kafka-client";
import { KafkajsLog } from "./kafka/kafka-log";
import type { Db } from "./stores/tx";

/**
 * The web layer's own database connection and Kafka client, one per process (kept on globalThis
 * so dev-mode reloads do not leak connections). The runtime has separate ones: a batch
 * transaction then never blocks a page's read.
 */
interface WebContext {
  db: Db;
  kafkaLog: KafkajsLog;
}

const holder = globalThis as unknown as { tidemarkWeb?: WebContext };

export function web(): WebContext {
  holder.tidemarkWeb ??= {
    db: createPrismaClient(env().DATABASE_URL, { busyTimeoutMs: 10_000 }),
    kafkaLog: new KafkajsLog(createKafka(kafkaBrokers(), `${env().KAFKA_CLIENT_ID}-web`)),
  };
  return holder.tidemarkWeb;
}
