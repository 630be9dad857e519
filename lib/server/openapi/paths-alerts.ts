/** Alert rules, channels, silences, open alerts and their history (app/api/alerts/**). */
import { createAlertChannelSchema, updateAlertChannelSchema } from "@/lib/contracts/alert-channels";
import { alertEventsQuerySchema, createAlertRuleSchema, createAlertSilenceSchema, updateAlertRuleSchema } from "@/lib/contracts/alerts";
import type { PathSpecs } from "./operation";

export const alertPaths: PathSpecs = {
  "/api/alerts/rules": {
    get: { summary: "Every alert rule, with its open (pending, firing) alert counts", returns: "Rules (AlertRuleDto)", list: true },
    post: { summary: "Create a rule; an unknown job or channel is refused and nothing saved", body: createAlertRuleSchema, status: 201, returns: "The rule (AlertRuleDto)", errors: ["ALERT_RULE_NAME_TAKEN", "UNKNOWN_TARGET", "UNKNOWN_CHANNEL"] },
  },
  "/api/alerts/rules/{id}": {
    get: { summary: "One rule, by id or name", returns: "AlertRuleDto", errors: ["ALERT_RULE_NOT_FOUND"] },
    patch: {
      summary: "Edit, enable or disable a rule; a new target or condition starts its alerts over",
      body: updateAlertRuleSchema,
      returns: "The rule (AlertRuleDto)",
      errors: ["ALERT_RULE_NOT_FOUND", "ALERT_RULE_NAME_TAKEN", "UNKNOWN_TARGET", "UNKNOWN_CHANNEL"],
    },
    delete: { summary: "Delete a rule and its open alerts (its history stays)", status: 204, returns: "Deleted", errors: ["ALERT_RULE_NOT_FOUND"] },
  },
  "/api/alerts/channels": {
    get: { summary: "Channels with their secrets masked", returns: "Channels (AlertChannelDto)", list: true },
    post: { summary: "Add a channel", body: createAlertChannelSchema, status: 201, returns: "The channel (AlertChannelDto)", errors: ["ALERT_CHANNEL_NAME_TAKEN"] },
  },
  "/api/alerts/channels/{id}": {
    patch: {
      summary: "Rename, enable/disable, or replace the channel's secrets",
      body: updateAlertChannelSchema,
      returns: "The channel (AlertChannelDto)",
      errors: ["ALERT_CHANNEL_NOT_FOUND", "ALERT_CHANNEL_NAME_TAKEN"],
    },
    delete: { summary: "Delete a channel; rules stop sending to it", status: 204, returns: "Deleted", errors: ["ALERT_CHANNEL_NOT_FOUND"] },
  },
  "/api/alerts/channels/{id}/test": {
    post: { summary: "Send a test message now (one attempt), recorded in the history", returns: "ChannelTestResultDto", errors: ["ALERT_CHANNEL_NOT_FOUND"] },
  },
  "/api/alerts/silences": {
    get: { summary: "Silences, newest first (active and expired)", returns: "Silences (AlertSilenceDto)", list: true },
    post: {
      summary: "Mute a rule, a target, or a rule on a target until a time, with a reason",
      body: createAlertSilenceSchema,
      status: 201,
      returns: "The silence (AlertSilenceDto)",
      errors: ["ALERT_RULE_NOT_FOUND", "UNKNOWN_TARGET"],
    },
  },
  "/api/alerts/silences/{id}": { delete: { summary: "End a silence now (it stays listed as expired)", returns: "The silence (AlertSilenceDto)", errors: ["ALERT_SILENCE_NOT_FOUND"] } },
  "/api/alerts/active": { get: { summary: "Open alerts: firing first, then pending, with any silence that mutes them", returns: "Open alerts (ActiveAlertDto)", list: true } },
  "/api/alerts/events": {
    get: { summary: "Alert history, newest first, with delivery attempts", query: alertEventsQuerySchema, returns: "Events (AlertEventDto)", list: true },
  },
};
