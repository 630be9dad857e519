import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface TestPki {
  /** PEM of the CA that signed the broker's and the client's certificates. */
  caPem: string;
  /** The broker's key and certificate chain as PKCS#12, for Kafka's keystore. */
  brokerKeystore: string;
  keystorePassword: string;
  /** The client's certificate (PEM) and its key (PEM, encrypted with clientKeyPassword). */
  clientCertPem: string;
  clientKeyPem: string;
  clientKeyPassword: string;
}

/**
 * A throwaway CA, a broker certificate for 127.0.0.1/localhost and a client certificate, made with
 * openssl in `dir` (valid two days). For tests of TLS and mutual TLS against a real broker.
 */
export function createTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const keystorePassword = "keystore-secret-1";
  const clientKeyPassword = "client-key-secret-1";

  openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=Tidemark test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
  const issue = (name: string, subject: string, extensions: string) => {
    fs.writeFileSync(f(`${name}.ext`), extensions);
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f(`${name}.key`), "-out", f(`${name}.csr`), "-subj", subject);
    openssl("x509", "-req", "-in", f(`${name}.csr`), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-days", "2", "-out", f(`${name}.pem`), "-extfile", f(`${name}.ext`));
  };
  issue("broker", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  issue("client", "/CN=tidemark-client", "extendedKeyUsage=clientAuth\n");
  openssl("pkcs12", "-export", "-in", f("broker.pem"), "-inkey", f("broker.key"), "-certfile", f("ca.pem"), "-name", "broker", "-out", f("broker.p12"), "-passout", `pass:${keystorePassword}`);
  openssl("pkey", "-in", f("client.key"), "-aes256", "-passout", `pass:${clientKeyPassword}`, "-out", f("client.enc.key"));
  return {
    caPem: f("ca.pem"),
    brokerKeystore: f("broker.p12"),
    keystorePassword,
    clientCertPem: f("client.pem"),
    clientKeyPem: f("client.enc.key"),
    clientKeyPassword,
  };
}
