import "server-only";
import { env, kafkaBrokers } from "../env";
import { createKafka } from "../kafka/kafka-client";
import { KafkaLagSource } from "./kafka-lag-source";

const holder = globalThis as unknown as { tidemarkLagSource?: KafkaLagSource };

/** The web layer's Kafka client for group and topic pages, one per process (kept on globalThis for dev reloads). */
export function webLagSource(): KafkaLagSource {
  holder.tidemarkLagSource ??= new KafkaLagSource(createKafka(kafkaBrokers(), `${env().KAFKA_CLIENT_ID}-web-lag`));
  return holder.tidemarkLagSource;
}
