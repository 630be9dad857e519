import fs from "node:fs";
import type { KafkaConfig, SASLOptions } from "kafkajs";

/**
 * TLS and SASL for the Kafka connection, from the environment (README "Configuration").
 * Secrets are read here and go only to kafkajs: never to the browser or the logs.
 */
export function kafkaSecurityFromEnv(env: Record<string, string | undefined> = process.env): Pick<KafkaConfig, "ssl" | "sasl"> {
  const readFile = (name: string) => {
    const file = env[name];
    if (!file) return undefined;
    try {
      return fs.readFileSync(file, "utf8");
    } catch (error) {
      throw new Error(`${name}: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`);
    }
  };

  let ssl: KafkaConfig["ssl"];
  if (env.KAFKA_SSL === "1" || env.KAFKA_SSL_CA_FILE || env.KAFKA_SSL_CERT_FILE) {
    const ca = readFile("KAFKA_SSL_CA_FILE");
    const cert = readFile("KAFKA_SSL_CERT_FILE");
    const key = readFile("KAFKA_SSL_KEY_FILE");
    if (Boolean(cert) !== Boolean(key)) throw new Error("KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together (client certificate and its key)");
    ssl = {
      rejectUnauthorized: env.KAFKA_SSL_REJECT_UNAUTHORIZED !== "0",
      ...(ca ? { ca: [ca] } : {}),
      ...(cert && key ? { cert, key, ...(env.KAFKA_SSL_KEY_PASSWORD ? { passphrase: env.KAFKA_SSL_KEY_PASSWORD } : {}) } : {}),
    };
  }

  let sasl: SASLOptions | undefined;
  const mechanism = env.KAFKA_SASL_MECHANISM?.toLowerCase();
  if (mechanism) {
    if (mechanism !== "plain" && mechanism !== "scram-sha-256" && mechanism !== "scram-sha-512") {
      throw new Error(`KAFKA_SASL_MECHANISM must be plain, scram-sha-256 or scram-sha-512 (got '${env.KAFKA_SASL_MECHANISM}')`);
    }
    const username = env.KAFKA_SASL_USERNAME;
    const password = env.KAFKA_SASL_PASSWORD ?? readFile("KAFKA_SASL_PASSWORD_FILE")?.trim();
    if (!username || !password) throw new Error("KAFKA_SASL_MECHANISM needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)");
    sasl = { mechanism, username, password } as SASLOptions;
  }
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}
