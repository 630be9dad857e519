export * from '../../scripts/kafka/tools';
