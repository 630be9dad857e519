import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { schemaRegistryConfigFromEnv } from "./schema-registry-client";

describe("SCHEMA_REGISTRY_* settings", () => {
  it("no URL: no registry, whatever else is set", () => {
    expect(schemaRegistryConfigFromEnv({})).toBeNull();
    expect(schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: " ", SCHEMA_REGISTRY_USERNAME: "u" })).toBeNull();
  });

  it("reads the URL (trailing slashes dropped), basic auth and the timeout", () => {
    expect(schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "http://apicurio:8080/apis/ccompat/v7/" })).toEqual({ url: "http://apicurio:8080/apis/ccompat/v7", timeoutMs: 5000 });
    expect(schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "https://sr:8081", SCHEMA_REGISTRY_USERNAME: "u", SCHEMA_REGISTRY_PASSWORD: "p", SCHEMA_REGISTRY_TIMEOUT_MS: "800" }))
      .toEqual({ url: "https://sr:8081", username: "u", password: "p", timeoutMs: 800 });
  });

  it("reads the password from SCHEMA_REGISTRY_PASSWORD_FILE", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sr-pw-")), "pw");
    fs.writeFileSync(file, "from-file\n");
    expect(schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "https://sr", SCHEMA_REGISTRY_USERNAME: "u", SCHEMA_REGISTRY_PASSWORD_FILE: file })?.password).toBe("from-file");
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  it("refuses what would fail later: not http(s), credentials in the URL, a user without password, a timeout out of range", () => {
    expect(() => schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "registry:8081" })).toThrow(/http\(s\) URL/);
    expect(() => schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "ftp://registry" })).toThrow(/http\(s\) URL/);
    expect(() => schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "https://u:secret@registry" })).toThrow(/must not hold credentials/);
    expect(() => schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "https://registry", SCHEMA_REGISTRY_USERNAME: "u" })).toThrow(/go together/);
    expect(() => schemaRegistryConfigFromEnv({ SCHEMA_REGISTRY_URL: "https://registry", SCHEMA_REGISTRY_TIMEOUT_MS: "50" })).toThrow(/SCHEMA_REGISTRY_TIMEOUT_MS/);
  });
});
