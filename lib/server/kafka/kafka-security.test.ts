import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { kafkaSecurityFromEnv } from "./kafka-security";

describe("kafkaSecurityFromEnv", () => {
  it("is empty (plaintext) by default", () => {
    expect(kafkaSecurityFromEnv({})).toEqual({});
  });

  it("maps SASL settings and refuses incomplete or unknown ones", () => {
    expect(kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: "SCRAM-SHA-512", KAFKA_SASL_USERNAME: "u", KAFKA_SASL_PASSWORD: "p" })).toEqual({
      sasl: { mechanism: "scram-sha-512", username: "u", password: "p" },
    });
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: "u" })).toThrow(/KAFKA_SASL_PASSWORD/);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SASL_MECHANISM: "gssapi" })).toThrow(/plain, scram-sha-256 or scram-sha-512/);
  });

  it("reads TLS files and a password file, and names the variable when a file is missing", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-tls-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), "CA");
    fs.writeFileSync(path.join(dir, "pw"), "secret\n");
    const config = kafkaSecurityFromEnv({
      KAFKA_SSL_CA_FILE: path.join(dir, "ca.pem"),
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: "u",
      KAFKA_SASL_PASSWORD_FILE: path.join(dir, "pw"),
    });
    expect(config.ssl).toEqual({ rejectUnauthorized: true, ca: ["CA"] });
    expect(config.sasl).toEqual({ mechanism: "plain", username: "u", password: "secret" });
    expect(() => kafkaSecurityFromEnv({ KAFKA_SSL_CA_FILE: path.join(dir, "nope.pem") })).toThrow(/KAFKA_SSL_CA_FILE: cannot read/);
    expect(() => kafkaSecurityFromEnv({ KAFKA_SSL: "1", KAFKA_SSL_CERT_FILE: path.join(dir, "ca.pem") })).toThrow(/go together/);
    fs.rmSync(dir, { recursive: true });
  });
});
