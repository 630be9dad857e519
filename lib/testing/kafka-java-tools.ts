// Kafka's Java tools import the broker installer (scripts/kafka/broker.ts), which Playwright's loader
// cannot load: e2e specs use lib/testing/kafka-tools.ts only.
export * from '../../scripts/kafka/kafka-cli-tools';
