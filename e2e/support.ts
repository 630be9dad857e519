import type { APIRequestContext } from "@playwright/test";

/** The brokers the server under test uses, as its health endpoint reports them. */
export async function serverBrokers(request: APIRequestContext): Promise<string[]> {
  const health = (await (await request.get("/api/health")).json()) as { kafka: { brokers: string[] } };
  return health.kafka.brokers;
}

export function keyedLines(count: number, keys: number, offset = 0): string[] {
  return Array.from({ length: count }, (_, i) => `user-${(i + offset) % keys}:{"i":${i + offset}}`);
}
