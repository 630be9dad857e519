/**
 * The templated HTTP channel on the server: how its settings are stored (non-secret ones in `config`, the URLs,
 * secret header values and template secrets in `secret`), shown (masked), changed, and turned into a request.
 */
import type { CreateAlertChannelCommand, HttpTemplateDto, UpdateAlertChannelCommand } from "@/lib/contracts/alert-channels";
import { contextOf, httpTemplateProblems, type TemplateContentType } from "@/lib/contracts/http-template-channel";
import type { AlertNotice } from "@/lib/domain/alert-messages";
import { renderTemplate, templateValues } from "@/lib/domain/http-template";
import { AppError } from "../http/app-error";
import { MASK, maskUrl } from "./channel-secrets";

export interface TemplateConfig {
  method: "POST" | "PUT" | "PATCH";
  contentType: TemplateContentType;
  /** A secret header's value is "" here; the value is in TemplateSecrets.headers */
  headers: { name: string; value: string; secret: boolean }[];
  secretNames: string[];
  body: string;
  sendResolved: boolean;
  resolvedBody: string | null;
}

export interface TemplateSecrets {
  url: string;
  resolvedUrl: string | null;
  headers: Record<string, string>;
  secrets: Record<string, string>;
}

export interface TemplateChannel extends TemplateConfig {
  secret: TemplateSecrets;
}

export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

type TemplateCommand = Extract<CreateAlertChannelCommand, { type: "http-template" }>;

/** The two stored columns for a new channel. */
export function storedTemplate(c: TemplateCommand): { config: string; secret: string } {
  return serialize({
    method: c.method,
    contentType: c.contentType,
    headers: c.headers,
    secretNames: c.secrets.map((s) => s.name),
    body: c.body,
    sendResolved: c.sendResolved,
    resolvedBody: c.resolvedBody ?? null,
    secret: { url: c.url, resolvedUrl: c.resolvedUrl ?? null, headers: {}, secrets: Object.fromEntries(c.secrets.map((s) => [s.name, s.value])) },
  });
}

function serialize(t: TemplateChannel): { config: string; secret: string } {
  const headers: Record<string, string> = {};
  for (const h of t.headers) if (h.secret) headers[h.name] = h.value || t.secret.headers[h.name] || "";
  const config: TemplateConfig = {
    method: t.method,
    contentType: t.contentType,
    headers: t.headers.map((h) => ({ name: h.name, value: h.secret ? "" : h.value, secret: h.secret })),
    secretNames: t.secretNames,
    body: t.body,
    sendResolved: t.sendResolved,
    resolvedBody: t.resolvedBody,
  };
  return { config: JSON.stringify(config), secret: JSON.stringify({ ...t.secret, headers }) };
}

export function templateFromRow(config: string, secret: string): TemplateChannel {
  return { ...(JSON.parse(config) as TemplateConfig), secret: JSON.parse(secret) as TemplateSecrets };
}

export function templateDto(t: TemplateChannel): HttpTemplateDto {
  return {
    method: t.method,
    contentType: t.contentType,
    headers: t.headers.map((h) => ({ name: h.name, value: h.secret ? MASK : h.value, secret: h.secret })),
    secrets: t.secretNames,
    body: t.body,
    sendResolved: t.sendResolved,
    resolvedUrl: t.secret.resolvedUrl === null ? null : maskUrl(t.secret.resolvedUrl),
    resolvedBody: t.resolvedBody,
  };
}

/** Every secret a template channel holds, for scrubbing messages: URLs, secret header values (and their tokens), template secrets. */
export function templateSecretValues(t: TemplateChannel): string[] {
  const headerValues = Object.values(t.secret.headers).flatMap((v) => [v, ...v.split(/\s+/).filter((p) => p.length >= 8)]);
  return [t.secret.url, ...(t.secret.resolvedUrl ? [t.secret.resolvedUrl] : []), ...headerValues, ...Object.values(t.secret.secrets)];
}

/**
 * The stored columns after a PATCH: lists replace the stored ones whole (a secret header given without a value
 * keeps its stored value), and the templates are checked again against the result.
 */
export function updatedTemplate(t: TemplateChannel, u: UpdateAlertChannelCommand): { config: string; secret: string } {
  const secrets = u.secrets ? Object.fromEntries(u.secrets.map((s) => [s.name, s.value])) : t.secret.secrets;
  const next: TemplateChannel = {
    method: u.method ?? t.method,
    contentType: u.contentType ?? t.contentType,
    headers: u.headers ?? t.headers,
    secretNames: u.secrets ? u.secrets.map((s) => s.name) : t.secretNames,
    body: u.body ?? t.body,
    sendResolved: u.sendResolved ?? t.sendResolved,
    resolvedBody: u.resolvedBody === undefined ? t.resolvedBody : u.resolvedBody,
    secret: {
      url: u.url ?? t.secret.url,
      resolvedUrl: u.resolvedUrl === undefined ? t.secret.resolvedUrl : u.resolvedUrl,
      headers: t.secret.headers,
      secrets,
    },
  };
  const problems = httpTemplateProblems({ ...next, url: next.secret.url, resolvedUrl: next.secret.resolvedUrl });
  if (problems.length > 0) throw new AppError("VALIDATION_FAILED", problems.map((p) => `${p.path}: ${p.message}`).join("; "), problems);
  return serialize(next);
}

/** The request for one notice, or null when the channel does not send resolved alerts. */
export function templateRequest(t: TemplateChannel, notice: AlertNotice): OutgoingRequest | null {
  const resolved = notice.state === "resolved" && notice.kind !== "test";
  if (resolved && !t.sendResolved) return null;
  const values = templateValues(notice, t.secret.secrets);
  const url = (resolved && t.secret.resolvedUrl) || t.secret.url;
  const body = (resolved && t.resolvedBody) || t.body;
  const headers: Record<string, string> = { "user-agent": "tidemark-alerts" };
  for (const h of t.headers) headers[h.name] = h.secret ? (t.secret.headers[h.name] ?? "") : h.value;
  headers["content-type"] = t.contentType;
  return { method: t.method, url: renderTemplate(url, "url", values), headers, body: renderTemplate(body, contextOf(t.contentType), values) };
}
