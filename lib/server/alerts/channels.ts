/**
 * Alert channels: how each kind is stored, masked for the API, and sent to. The HTTP and SMTP transports are
 * injected (tests stand in local receivers; "send test" and the dispatcher use the real ones). Secrets (the
 * webhook URL, the SMTP password) are never logged and are scrubbed from error messages.
 */
import nodemailer from "nodemailer";
import type { AlertChannelDto, ChannelType } from "@/lib/contracts/alert-channels";
import { emailMessage, genericPayload, slackPayload, teamsPayload, wecomPayload, type AlertNotice } from "@/lib/domain/alert-messages";

export interface EmailConfig {
  host: string;
  port: number;
  tls: "tls" | "starttls" | "none";
  user: string | null;
  from: string;
  to: string[];
}

export interface ChannelRecord {
  id: string;
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** Webhook URL, or SMTP password ("" when none) */
  secret: string;
  email: EmailConfig | null;
  createdAt: Date;
}

type ChannelRow = { id: string; name: string; type: string; enabled: boolean; secret: string; config: string; createdAt: Date };

export function channelFromRow(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type as ChannelType,
    enabled: row.enabled,
    secret: row.secret,
    email: row.type === "email" ? (JSON.parse(row.config) as EmailConfig) : null,
    createdAt: row.createdAt,
  };
}

/** A webhook URL's origin only: the path and query of Slack, Teams and WeCom URLs are the secret. */
export function maskUrl(url: string): string {
  try {
    return `${new URL(url).origin}/••••••`;
  } catch {
    return "••••••";
  }
}

export function toChannelDto(c: ChannelRecord, lastDelivery: AlertChannelDto["lastDelivery"] = null): AlertChannelDto {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    enabled: c.enabled,
    url: c.type === "email" ? null : maskUrl(c.secret),
    email: c.email ? { ...c.email, passwordSet: c.secret.length > 0 } : null,
    lastDelivery,
    createdAt: c.createdAt.toISOString(),
  };
}

/**
 * The parts of a channel's secret that may show up on their own in an error: a webhook endpoint's reply often
 * echoes the request path ("Cannot POST /services/T0/B0/<token>"), and the token or key is one path segment
 * or query value of it.
 */
export function secretParts(secret: string): string[] {
  const parts = [secret];
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return parts;
  }
  if (url.pathname.length > 1) parts.push(url.pathname + url.search, url.pathname);
  if (url.search.length > 1) parts.push(url.search, url.search.slice(1));
  for (const segment of url.pathname.split("/")) if (segment.length >= 12) parts.push(segment, decodeURIComponent(segment));
  for (const value of url.searchParams.values()) if (value.length >= 12) parts.push(value, encodeURIComponent(value));
  return parts;
}

/** Removes secrets (and their parts: secretParts) and any URL's path and query from a message that may be stored or shown. */
export function scrub(message: string, secrets: string[]): string {
  let out = message;
  const parts = [...new Set(secrets.flatMap(secretParts))].sort((a, b) => b.length - a.length); // longest first
  for (const s of parts) if (s.length >= 4) out = out.split(s).join("[secret]");
  return out.replace(/\b(https?:\/\/[^/\s"'<>]+)[^\s"'<>]*/g, "$1/…").slice(0, 500);
}

export interface HttpResponse {
  status: number;
  text: string;
}

export interface AlertTransport {
  /** POST a JSON body; rejects on network errors and on abort (timeout) */
  postJson(url: string, body: unknown, signal: AbortSignal): Promise<HttpResponse>;
  /** Sends one e-mail; rejects on failure */
  sendMail(config: EmailConfig, password: string, message: { subject: string; text: string }, timeoutMs: number, signal: AbortSignal): Promise<void>;
}

export const defaultTransport: AlertTransport = {
  async postJson(url, body, signal) {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "tidemark-alerts" },
      body: JSON.stringify(body),
      signal,
      redirect: "error",
    });
    const text = (await response.text()).slice(0, 2000);
    return { status: response.status, text };
  },
  async sendMail(config, password, message, timeoutMs, signal) {
    const transporter = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.tls === "tls",
      requireTLS: config.tls === "starttls",
      ignoreTLS: config.tls === "none",
      auth: config.user ? { user: config.user, pass: password } : undefined,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      logger: false,
    });
    const onAbort = () => transporter.close();
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      await Promise.race([
        transporter.sendMail({ from: config.from, to: config.to, subject: message.subject, text: message.text }),
        new Promise((_, reject) => signal.addEventListener("abort", () => reject(new Error(`timed out after ${timeoutMs} ms`)), { once: true })),
      ]);
    } finally {
      signal.removeEventListener("abort", onAbort);
      transporter.close();
    }
  },
};

export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** The body each HTTP channel type wants. */
export function channelBody(type: Exclude<ChannelType, "email">, notice: AlertNotice): unknown {
  switch (type) {
    case "webhook":
      return genericPayload(notice);
    case "slack":
      return slackPayload(notice);
    case "teams":
      return teamsPayload(notice);
    case "wecom":
      return wecomPayload(notice);
  }
}

/** One attempt to send one notice to one channel, within `timeoutMs`. Never throws. */
export async function sendToChannel(
  channel: ChannelRecord,
  notice: AlertNotice,
  transport: AlertTransport,
  timeoutMs: number,
  stop?: AbortSignal,
): Promise<AttemptOutcome> {
  const started = performance.now();
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = stop ? AbortSignal.any([stop, timeout]) : timeout;
  const done = (ok: boolean, statusCode: number | null, error: string | null): AttemptOutcome => ({
    ok,
    statusCode,
    error: error === null ? null : scrub(error, [channel.secret]),
    durationMs: Math.round(performance.now() - started),
  });
  try {
    if (channel.type === "email") {
      if (!channel.email) return done(false, null, "e-mail channel without settings");
      await transport.sendMail(channel.email, channel.secret, emailMessage(notice), timeoutMs, signal);
      return done(true, null, null);
    }
    const response = await transport.postJson(channel.secret, channelBody(channel.type, notice), signal);
    if (response.status < 200 || response.status >= 300) return done(false, response.status, `HTTP ${response.status}: ${response.text.slice(0, 200)}`);
    if (channel.type === "wecom") {
      // The WeCom robot answers 200 with {"errcode":0,"errmsg":"ok"}; any other errcode is a failure.
      let errcode: unknown;
      try {
        errcode = (JSON.parse(response.text) as { errcode?: unknown }).errcode;
      } catch {
        return done(false, response.status, "WeCom answered without a JSON errcode");
      }
      if (errcode !== 0) return done(false, response.status, `WeCom errcode ${String(errcode)}: ${response.text.slice(0, 200)}`);
    }
    return done(true, response.status, null);
  } catch (error) {
    if (timeout.aborted) return done(false, null, `timed out after ${timeoutMs} ms`);
    if (stop?.aborted) return done(false, null, "server stopping");
    const e = error as Error & { cause?: { code?: string; message?: string } };
    return done(false, null, e.cause?.code ?? e.cause?.message ?? e.message ?? String(error));
  }
}
