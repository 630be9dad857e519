export * from '../../scripts/kafka/tools';
export * from '../../scripts/kafka/kafka-cli-tools';
