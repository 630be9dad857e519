/** Alert channels: zod schemas for the API and the DTOs it returns. */
import { z } from "zod";
import { displayName, int } from "./alert-fields";
import { httpTemplateFields, refineHttpTemplate, templateBody, templateContentTypes, templateHeaders, templateMethods, templateSecrets, templateUrl, type TemplateContentType } from "./http-template-channel";

export const channelTypes = ["webhook", "slack", "teams", "wecom", "email", "alertmanager", "http-template"] as const;
export type ChannelType = (typeof channelTypes)[number];

const webhookUrl = z
  .string({ error: "url is required" })
  .max(2000, "url must be at most 2,000 characters")
  .refine((u) => {
    try {
      const p = new URL(u);
      return (p.protocol === "http:" || p.protocol === "https:") && p.hostname.length > 0 && !p.username && !p.password;
    } catch {
      return false;
    }
  }, "url must be an http:// or https:// URL without credentials");

const email = z.email({ error: "must be an e-mail address" }).max(254);

const emailFields = {
  host: z.string({ error: "host is required" }).regex(/^[a-zA-Z0-9.-]{1,253}$|^\[[0-9a-fA-F:.]+\]$/, "host must be a host name or address"),
  port: int("port", 1, 65_535),
  /** "tls": TLS from the start (465); "starttls": upgrade (587, required); "none": plain (tests, local relays) */
  tls: z.enum(["tls", "starttls", "none"], { error: "tls must be 'tls', 'starttls' or 'none'" }).default("starttls"),
  user: z.string().max(254, "user must be at most 254 characters").optional(),
  password: z.string().max(1024, "password must be at most 1,024 characters").optional(),
  from: email,
  to: z.array(email, { error: "to must be a list of e-mail addresses" }).min(1, "give at least one recipient").max(20, "at most 20 recipients"),
};

/** How often a firing alert is posted to Alertmanager again; it stays valid for 4 of these (Prometheus' resend delay is 1 minute). */
const alertmanagerResend = int("resendSeconds", 1, 3600);

export const createAlertChannelSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ name: displayName("name"), type: z.literal("webhook"), url: webhookUrl, enabled: z.boolean().default(true) }),
    z.strictObject({ name: displayName("name"), type: z.literal("slack"), url: webhookUrl, enabled: z.boolean().default(true) }),
    z.strictObject({ name: displayName("name"), type: z.literal("teams"), url: webhookUrl, enabled: z.boolean().default(true) }),
    z.strictObject({ name: displayName("name"), type: z.literal("wecom"), url: webhookUrl, enabled: z.boolean().default(true) }),
    z.strictObject({ name: displayName("name"), type: z.literal("email"), enabled: z.boolean().default(true), ...emailFields }),
    z.strictObject({ name: displayName("name"), type: z.literal("alertmanager"), url: webhookUrl, resendSeconds: alertmanagerResend.default(60), enabled: z.boolean().default(true) }),
    z.strictObject({ name: displayName("name"), type: z.literal("http-template"), enabled: z.boolean().default(true), ...httpTemplateFields }).superRefine(refineHttpTemplate),
  ],
  { error: "type must be one of: webhook, slack, teams, wecom, email, alertmanager, http-template" },
);
export type CreateAlertChannelInput = z.input<typeof createAlertChannelSchema>;
export type CreateAlertChannelCommand = z.output<typeof createAlertChannelSchema>;

/** PATCH: rename, enable/disable, replace the secret (url / password) or a type's settings; the type stays. Lists replace the stored ones whole. */
export const updateAlertChannelSchema = z
  .strictObject({
    name: displayName("name").optional(),
    enabled: z.boolean({ error: "enabled must be true or false" }).optional(),
    url: webhookUrl.optional(),
    password: emailFields.password,
    to: emailFields.to.optional(),
    resendSeconds: alertmanagerResend.optional(),
    method: z.enum(templateMethods, { error: "method must be POST, PUT or PATCH" }).optional(),
    contentType: z.enum(templateContentTypes, { error: "contentType must be application/json or application/x-www-form-urlencoded" }).optional(),
    headers: templateHeaders.optional(),
    secrets: templateSecrets.optional(),
    body: templateBody.optional(),
    sendResolved: z.boolean({ error: "sendResolved must be true or false" }).optional(),
    resolvedUrl: templateUrl.nullable().optional(),
    resolvedBody: templateBody.nullable().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, "give at least one field to change");
export type UpdateAlertChannelInput = z.input<typeof updateAlertChannelSchema>;
export type UpdateAlertChannelCommand = z.output<typeof updateAlertChannelSchema>;

export interface AlertChannelDto {
  id: string;
  name: string;
  type: ChannelType;
  enabled: boolean;
  /** The webhook (Alertmanager, template) URL with its secret part masked: "https://hooks.slack.com/••••" */
  url: string | null;
  email: { host: string; port: number; tls: "tls" | "starttls" | "none"; user: string | null; from: string; to: string[]; passwordSet: boolean } | null;
  alertmanager: { resendSeconds: number } | null;
  template: HttpTemplateDto | null;
  lastDelivery: { status: string; at: string; error: string | null } | null;
  createdAt: string;
}

export interface ChannelTestResultDto {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  eventId: number;
}

export interface HttpTemplateDto {
  method: (typeof templateMethods)[number];
  contentType: TemplateContentType;
  /** A secret header's value is "••••••" */
  headers: { name: string; value: string; secret: boolean }[];
  /** Names only: the values never leave the server */
  secrets: string[];
  body: string;
  sendResolved: boolean;
  resolvedUrl: string | null;
  resolvedBody: string | null;
}
