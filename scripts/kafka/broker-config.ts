/** The broker's configuration files: server.properties (listeners, SASL, TLS) and log4j2. */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** A TLS listener: the broker's PKCS#12 keystore (key and certificate chain) and a PEM truststore of client CAs. */
export interface BrokerTls {
  keystoreFile: string;
  keystorePassword: string;
  /** PEM file of the CA(s) whose client certificates the broker accepts. */
  truststorePemFile: string;
  /** `required`: clients must present a certificate signed by the truststore's CA (mutual TLS). */
  clientAuth: 'required' | 'none';
}

export const SCRAM_MECHANISMS = ['SCRAM-SHA-256', 'SCRAM-SHA-512'] as const;

export interface SaslListener {
  port: number;
  plainUsers?: Record<string, string>;
  scramUsers?: Record<string, string>;
}

export function serverProperties(o: {
  dataDir: string;
  port: number;
  controllerPort: number;
  sasl?: SaslListener;
  tls?: BrokerTls & { port: number };
}): string {
  const props: Record<string, string | number> = {
    'process.roles': 'broker,controller',
    'node.id': 1,
    'controller.quorum.voters': `1@127.0.0.1:${o.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${o.port},CONTROLLER://127.0.0.1:${o.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${o.port}`,
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'log.dirs': path.join(o.dataDir, 'logs'),
    'num.partitions': 1,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    // After a SIGKILL the controller refuses the restarted broker's registration until the old
    // session expires (default 9 s): shorter sessions make kill+restart take ~5 s instead of ~13 s.
    'broker.heartbeat.interval.ms': 500,
    'broker.session.timeout.ms': 4000,
    'auto.create.topics.enable': 'false',
  };
  if (o.sasl) {
    props.listeners += `,SASL_PLAINTEXT://127.0.0.1:${o.sasl.port}`;
    props['advertised.listeners'] += `,SASL_PLAINTEXT://127.0.0.1:${o.sasl.port}`;
    props['listener.security.protocol.map'] += ',SASL_PLAINTEXT:SASL_PLAINTEXT';
    const mechanisms: string[] = [];
    if (o.sasl.plainUsers) {
      const users = Object.entries(o.sasl.plainUsers).map(([name, password]) => `user_${name}="${password}"`).join(' ');
      mechanisms.push('PLAIN');
      props['listener.name.sasl_plaintext.plain.sasl.jaas.config'] =
        `org.apache.kafka.common.security.plain.PlainLoginModule required ${users};`;
    }
    if (o.sasl.scramUsers) {
      // The credentials themselves live in the metadata log (added at format time).
      for (const mechanism of SCRAM_MECHANISMS) {
        mechanisms.push(mechanism);
        props[`listener.name.sasl_plaintext.${mechanism.toLowerCase()}.sasl.jaas.config`] =
          'org.apache.kafka.common.security.scram.ScramLoginModule required;';
      }
    }
    props['sasl.enabled.mechanisms'] = mechanisms.join(',');
  }
  if (o.tls) {
    props.listeners += `,SSL://127.0.0.1:${o.tls.port}`;
    props['advertised.listeners'] += `,SSL://127.0.0.1:${o.tls.port}`;
    props['listener.security.protocol.map'] += ',SSL:SSL';
    props['listener.name.ssl.ssl.keystore.type'] = 'PKCS12';
    props['listener.name.ssl.ssl.keystore.location'] = o.tls.keystoreFile;
    props['listener.name.ssl.ssl.keystore.password'] = o.tls.keystorePassword;
    props['listener.name.ssl.ssl.key.password'] = o.tls.keystorePassword;
    props['listener.name.ssl.ssl.truststore.type'] = 'PEM';
    props['listener.name.ssl.ssl.truststore.location'] = o.tls.truststorePemFile;
    props['listener.name.ssl.ssl.client.auth'] = o.tls.clientAuth;
  }
  return Object.entries(props).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
}

function log4jProperties(level: 'INFO' | 'WARN'): string {
  return [
    'status = warn',
    'appender.out.type = Console',
    'appender.out.name = OUT',
    'appender.out.layout.type = PatternLayout',
    'appender.out.layout.pattern = [%d] %p %m (%c)%n',
    `rootLogger.level = ${level}`,
    'rootLogger.appenderRef.out.ref = OUT',
    // The config dump at startup is long and rarely useful.
    'logger.config.name = org.apache.kafka.common.config.AbstractConfig',
    'logger.config.level = WARN',
    '',
  ].join('\n');
}

/** Kafka's Uuid.randomUuid(): 16 random bytes, URL-safe base64, never starting with '-'. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

export function writeConfig(dataDir: string, port: number, controllerPort: number, sasl?: SaslListener, tls?: BrokerTls & { port: number }): string {
  fs.mkdirSync(path.join(dataDir, 'logs'), { recursive: true });
  const file = path.join(dataDir, 'server.properties');
  fs.writeFileSync(file, serverProperties({ dataDir, port, controllerPort, sasl, tls }));
  fs.writeFileSync(path.join(dataDir, 'log4j2.properties'), log4jProperties('INFO'));
  fs.writeFileSync(path.join(dataDir, 'log4j2-tools.properties'), log4jProperties('WARN'));
  return file;
}
