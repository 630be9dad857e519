import { createRequire } from "node:module";
import { KafkaJSBrokerNotFound, KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSRequestTimeoutError } from "kafkajs";
import { describe, expect, it } from "vitest";
import { kafkaErrorKind } from "./kafka-error-kind";

// The broker's error codes as kafkajs turns them into errors (type, retriable), not copies of them.
const require = createRequire(import.meta.url);
const { createErrorFromCode, errorCodes } = require("kafkajs/src/protocol/error") as {
  createErrorFromCode(code: number): Error;
  errorCodes: { type: string; code: number }[];
};
const protocolError = (type: string) => createErrorFromCode(errorCodes.find((e) => e.type === type)!.code);
/** What a producer throws once its retries are spent. */
const retriesSpent = (cause: Error) => new KafkaJSNumberOfRetriesExceeded(cause, { retryCount: 3, retryTime: 1000 });

describe("kafkaErrorKind", () => {
  it("takes an unreachable broker, timeouts and moving leaders for an outage", () => {
    expect(kafkaErrorKind(new KafkaJSConnectionError("Connection error: connect ECONNREFUSED 127.0.0.1:9092"))).toBe("outage");
    expect(kafkaErrorKind(retriesSpent(new KafkaJSConnectionError("Connection timeout")))).toBe("outage");
    expect(kafkaErrorKind(new KafkaJSRequestTimeoutError("Request Produce(key: 0, version: 7) timed out"))).toBe("outage");
    // kafkajs' types leave out the message its constructor takes.
    expect(kafkaErrorKind(new (KafkaJSBrokerNotFound as unknown as new (message: string) => Error)("No brokers in the broker pool"))).toBe("outage");
    for (const type of ["LEADER_NOT_AVAILABLE", "NOT_LEADER_FOR_PARTITION", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION", "GROUP_COORDINATOR_NOT_AVAILABLE", "NOT_ENOUGH_REPLICAS"]) {
      expect(kafkaErrorKind(retriesSpent(protocolError(type))), type).toBe("outage");
    }
  });

  it("takes a missing topic, a record too large or a refusal for what it is, even when kafkajs retried it", () => {
    // What the forward sink's producer throws when its target topic was deleted (seen on the broker).
    expect(kafkaErrorKind(retriesSpent(protocolError("UNKNOWN_TOPIC_OR_PARTITION")))).toBe("refused");
    expect(kafkaErrorKind(protocolError("MESSAGE_TOO_LARGE"))).toBe("refused");
    expect(kafkaErrorKind(new KafkaJSNonRetriableError(protocolError("TOPIC_AUTHORIZATION_FAILED")))).toBe("refused");
    expect(kafkaErrorKind(protocolError("CORRUPT_MESSAGE"))).toBe("refused");
  });

  it("recognises an offset that retention deleted, however it is wrapped", () => {
    expect(kafkaErrorKind(protocolError("OFFSET_OUT_OF_RANGE"))).toBe("offset-out-of-range");
    expect(kafkaErrorKind(new Error("cannot read", { cause: protocolError("OFFSET_OUT_OF_RANGE") }))).toBe("offset-out-of-range");
  });

  it("reads through Tidemark's own wrapping, and leaves errors that are not Kafka's alone", () => {
    expect(kafkaErrorKind(new Error("cannot write to topic 'x'", { cause: retriesSpent(protocolError("UNKNOWN_TOPIC_OR_PARTITION")) }))).toBe("refused");
    expect(kafkaErrorKind(new Error("sink", { cause: new KafkaJSConnectionError("Connection error") }))).toBe("outage");
    expect(kafkaErrorKind(new Error("value is not JSON"))).toBeNull();
    expect(kafkaErrorKind("a string")).toBeNull();
    expect(kafkaErrorKind(null)).toBeNull();
  });
});
