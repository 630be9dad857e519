/**
 * A real Prometheus server for tests (Debian package `prometheus`, the same that provides promtool): it
 * scrapes one target every second and loads the given rule files; queries go through its HTTP API.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { waitFor } from "./temp-db";

export interface TestPrometheus {
  url: string;
  /** An instant query; throws unless Prometheus answers `success`. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** The loaded alerting rules with their health. */
  rules(): Promise<{ name: string; health: string; lastError?: string }[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrometheus(opts: { target: string; metricsPath: string; ruleFiles: string[] }): Promise<TestPrometheus> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tidemark-prometheus-"));
  const config = [
    "global: { scrape_interval: 1s, evaluation_interval: 1s }",
    `rule_files: ${JSON.stringify(opts.ruleFiles)}`,
    "scrape_configs:",
    `  - { job_name: tidemark, metrics_path: ${JSON.stringify(opts.metricsPath)}, static_configs: [{ targets: [${JSON.stringify(opts.target)}] }] }`,
  ].join("\n");
  fs.writeFileSync(path.join(dir, "prometheus.yml"), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const child = spawn("prometheus", [`--config.file=${path.join(dir, "prometheus.yml")}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout.on("data", (d: Buffer) => output.push(d.toString()));
  child.stderr.on("data", (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited: ${output.join("").slice(-2000)}`);
      return (await fetch(`${url}/-/ready`)).ok;
    }, "Prometheus to be ready", 20_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output.join("").slice(-2000)}`);
  }
  const api = async <T>(pathAndQuery: string): Promise<T> => {
    const body = (await (await fetch(`${url}${pathAndQuery}`)).json()) as { status: string; data: T; error?: string };
    if (body.status !== "success") throw new Error(`Prometheus ${pathAndQuery}: ${body.error}`);
    return body.data;
  };
  return {
    url,
    query: async (expr) => (await api<{ result: { metric: Record<string, string>; value: [number, string] }[] }>(`/api/v1/query?query=${encodeURIComponent(expr)}`)).result,
    rules: async () => (await api<{ groups: { rules: { name: string; health: string; lastError?: string }[] }[] }>("/api/v1/rules?type=alert")).groups.flatMap((g) => g.rules),
    stop,
  };
}
