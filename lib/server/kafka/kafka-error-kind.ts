/**
 * What a Kafka error means for a job, read from kafkajs' error classes (src/errors.js) and protocol
 * error types (src/protocol/error.js). kafkajs wraps the broker's error once its own retries run out
 * (KafkaJSNumberOfRetriesExceeded, KafkaJSNonRetriableError) and Tidemark may wrap it again (the
 * sink names its topic), so the whole `cause` chain is read.
 *
 * - `outage`: the broker cannot be reached or is moving leadership; waiting fixes it.
 * - `offset-out-of-range`: the fetch offset is no longer in the log (retention, re-created topic).
 * - `refused`: Kafka answered and said no (unknown topic, message too large, not authorized, ...):
 *   waiting does not fix it, so it counts as a failed attempt like any other error.
 */
export type KafkaErrorKind = "outage" | "offset-out-of-range" | "refused";

/** Connection, request timeout and broker lookup failures: the broker is down or unreachable. */
const OUTAGE_NAMES = new Set([
  "KafkaJSConnectionError",
  "KafkaJSConnectionClosedError",
  "KafkaJSRequestTimeoutError",
  "KafkaJSBrokerNotFound",
  "KafkaJSNoBrokerAvailableError",
  "KafkaJSTimeout",
  "KafkaJSLockTimeout",
]);

/**
 * Protocol errors kafkajs marks retriable that are not about the cluster's health: a topic or
 * partition that does not exist, or a record the broker could not accept.
 */
const RETRIABLE_BUT_NOT_OUTAGE = new Set(["UNKNOWN_TOPIC_OR_PARTITION", "CORRUPT_MESSAGE"]);

interface ErrorLike {
  name?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
}

/** null when the error did not come from Kafka at all. */
export function kafkaErrorKind(error: unknown): KafkaErrorKind | null {
  const chain = causeChain(error);
  if (!chain.some((e) => typeof e.name === "string" && e.name.startsWith("KafkaJS"))) return null;
  if (chain.some((e) => e.type === "OFFSET_OUT_OF_RANGE" || e.name === "KafkaJSOffsetOutOfRange")) return "offset-out-of-range";
  const outage = chain.some(
    (e) =>
      OUTAGE_NAMES.has(e.name as string) ||
      // Leader, coordinator, replica and network errors (LEADER_NOT_AVAILABLE, NOT_LEADER_FOR_PARTITION, ...).
      (typeof e.type === "string" && e.retriable === true && !RETRIABLE_BUT_NOT_OUTAGE.has(e.type)),
  );
  return outage ? "outage" : "refused";
}

function causeChain(error: unknown): ErrorLike[] {
  const chain: ErrorLike[] = [];
  for (let e = error; typeof e === "object" && e !== null && chain.length < 10 && !chain.includes(e as ErrorLike); e = (e as ErrorLike).cause) {
    chain.push(e as ErrorLike);
  }
  return chain;
}
