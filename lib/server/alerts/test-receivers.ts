/**
 * Test only: a local HTTP server standing in for the generic webhook, Slack, Teams and WeCom endpoints, plus
 * misbehaving ones (/hang never answers, /fail answers 500, /echo answers 500 naming the path it was posted
 * to). Records every request with its arrival time.
 */
import http from "node:http";

export interface ReceivedRequest {
  path: string;
  at: number;
  body: unknown;
}

export interface TestReceivers {
  url(path: string): string;
  received(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startTestReceivers(): Promise<TestReceivers> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = (req.url ?? "/").split("?")[0];
      let body: unknown = null;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = Buffer.concat(chunks).toString("utf8");
      }
      requests.push({ path, at: Date.now(), body });
      if (path.startsWith("/hang")) return; // never answers: the sender's timeout must cut it off
      // Like many servers' error pages: the reply names the path it was posted to.
      if (path.startsWith("/echo")) return void res.writeHead(500, { "content-type": "text/plain" }).end(`Cannot POST ${req.url}`);
      if (path.startsWith("/fail")) return void res.writeHead(500, { "content-type": "text/plain" }).end("boom");
      if (path.startsWith("/wecom-bad")) return void res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":93000,"errmsg":"invalid webhook url"}');
      if (path.startsWith("/wecom")) return void res.writeHead(200, { "content-type": "application/json" }).end('{"errcode":0,"errmsg":"ok"}');
      if (path.startsWith("/slack")) return void res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      if (path.startsWith("/teams")) return void res.writeHead(202).end();
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A request as a recording server got it: the raw body, for tests that compare bytes. */
export interface RawRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Test only: a local HTTP server that hands each request to `record` and answers with the status it
 * returns. `base` is its http://127.0.0.1:<port> address.
 */
export async function startRecordingServer(record: (request: RawRequest) => number): Promise<{ base: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = record({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) });
      res.writeHead(status, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
