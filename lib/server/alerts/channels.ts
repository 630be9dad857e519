/**
 * Alert channels: how each kind is stored, masked for the API, and sent to. The HTTP and SMTP transports are
 * injected (tests stand in local receivers; "send test" and the dispatcher use the real ones). Secrets (the
 * webhook URL, the SMTP password, a template channel's secrets) are never logged and are scrubbed from error
 * messages.
 */
import nodemailer from "nodemailer";
import type { AlertChannelDto, ChannelType } from "@/lib/contracts/alert-channels";
import { emailMessage, genericPayload, slackPayload, teamsPayload, wecomPayload, type AlertNotice } from "@/lib/domain/alert-messages";
import { alertmanagerAlert } from "@/lib/domain/alertmanager-payload";
import { maskUrl, scrub } from "./channel-secrets";
import { templateDto, templateFromRow, templateRequest, templateSecretValues, type OutgoingRequest, type TemplateChannel } from "./http-template-channel";

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
  /** Webhook or Alertmanager URL, or SMTP password ("" when none); a template channel's are in `template` */
  secret: string;
  email: EmailConfig | null;
  alertmanager: { resendSeconds: number } | null;
  template: TemplateChannel | null;
  createdAt: Date;
}

type ChannelRow = { id: string; name: string; type: string; enabled: boolean; secret: string; config: string; createdAt: Date };

export function channelFromRow(row: ChannelRow): ChannelRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type as ChannelType,
    enabled: row.enabled,
    secret: row.type === "http-template" ? "" : row.secret,
    email: row.type === "email" ? (JSON.parse(row.config) as EmailConfig) : null,
    alertmanager: row.type === "alertmanager" ? (JSON.parse(row.config) as { resendSeconds: number }) : null,
    template: row.type === "http-template" ? templateFromRow(row.config, row.secret) : null,
    createdAt: row.createdAt,
  };
}

/** Every secret of a channel, to scrub from messages. */
export function channelSecrets(c: ChannelRecord): string[] {
  return c.template ? templateSecretValues(c.template) : [c.secret];
}

export function toChannelDto(c: ChannelRecord, lastDelivery: AlertChannelDto["lastDelivery"] = null): AlertChannelDto {
  return {
    id: c.id,
    name: c.name,
    type: c.type,
    enabled: c.enabled,
    url: c.type === "email" ? null : maskUrl(c.template ? c.template.secret.url : c.secret),
    email: c.email ? { ...c.email, passwordSet: c.secret.length > 0 } : null,
    alertmanager: c.alertmanager,
    template: c.template ? templateDto(c.template) : null,
    lastDelivery,
    createdAt: c.createdAt.toISOString(),
  };
}

export interface HttpResponse {
  status: number;
  text: string;
}

export interface AlertTransport {
  /** Sends one HTTP request; rejects on network errors and on abort (timeout) */
  send(request: OutgoingRequest, signal: AbortSignal): Promise<HttpResponse>;
  /** Sends one e-mail; rejects on failure */
  sendMail(config: EmailConfig, password: string, message: { subject: string; text: string }, timeoutMs: number, signal: AbortSignal): Promise<void>;
}

export const defaultTransport: AlertTransport = {
  async send(request, signal) {
    const response = await fetch(request.url, { method: request.method, headers: request.headers, body: request.body, signal, redirect: "error" });
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

const JSON_HEADERS = { "content-type": "application/json", "user-agent": "tidemark-alerts" };

/** Alertmanager's API for alerts under its base URL (a URL that already names it is kept). */
export function alertmanagerEndpoint(url: string): string {
  const base = url.replace(/\/+$/, "");
  return base.endsWith("/api/v2/alerts") ? base : `${base}/api/v2/alerts`;
}

/** The request each HTTP channel type wants for a notice; null when this channel is not told (a template channel without resolved messages). */
export function channelRequest(channel: ChannelRecord, notice: AlertNotice): OutgoingRequest | null {
  const json = (url: string, body: unknown): OutgoingRequest => ({ method: "POST", url, headers: JSON_HEADERS, body: JSON.stringify(body) });
  switch (channel.type) {
    case "webhook":
      return json(channel.secret, genericPayload(notice));
    case "slack":
      return json(channel.secret, slackPayload(notice));
    case "teams":
      return json(channel.secret, teamsPayload(notice));
    case "wecom":
      return json(channel.secret, wecomPayload(notice));
    case "alertmanager":
      return json(alertmanagerEndpoint(channel.secret), [alertmanagerAlert(notice, (channel.alertmanager?.resendSeconds ?? 60) * 1000)]);
    case "http-template":
      return channel.template ? templateRequest(channel.template, notice) : null;
    case "email":
      return null;
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
    error: error === null ? null : scrub(error, channelSecrets(channel)),
    durationMs: Math.round(performance.now() - started),
  });
  try {
    if (channel.type === "email") {
      if (!channel.email) return done(false, null, "e-mail channel without settings");
      await transport.sendMail(channel.email, channel.secret, emailMessage(notice), timeoutMs, signal);
      return done(true, null, null);
    }
    const request = channelRequest(channel, notice);
    if (!request) return done(true, null, null);
    const response = await transport.send(request, signal);
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
