/**
 * Keeps firing alerts alive in Alertmanager. A firing alert posted there is valid for a few resend intervals
 * (lib/domain/alertmanager-payload.ts); this posts every alert still firing to each Alertmanager channel once
 * per its resend interval, as Prometheus does, without a history event each time (the firing, repeat and
 * resolved messages go through the dispatcher, with its retries and recorded attempts). An alert muted by a
 * silence is not refreshed, and so expires in Alertmanager. If Tidemark stops, its alerts expire there too.
 * Lifecycle: started and stopped with the dispatcher (alerting.ts).
 */
import { describeCondition, formatValue, type TargetKind } from "@/lib/domain/alert-conditions";
import type { AlertNotice } from "@/lib/domain/alert-messages";
import { matchingSilence } from "@/lib/domain/alert-state";
import { alertmanagerAlert } from "@/lib/domain/alertmanager-payload";
import type { Clock } from "@/lib/domain/ports";
import { PeriodicTask } from "../periodic-loop";
import type { Db } from "../stores/tx";
import { targetLink } from "./alert-events";
import { ruleFromRow } from "./alert-rules";
import { scrub } from "./channel-secrets";
import { alertmanagerEndpoint, channelFromRow, type AlertTransport, type ChannelRecord } from "./channels";

export interface AlertmanagerRefresherDeps {
  db: Db;
  transport: AlertTransport;
  clock: Clock;
  publicUrl: string;
  /** Per post */
  timeoutMs: number;
  /** How often channels are checked for a due refresh */
  pollMs?: number;
  log?: (message: string) => void;
}

type Keyed = { notice: AlertNotice; ruleId: string; targetKey: string };

export class AlertmanagerRefresher extends PeriodicTask {
  private readonly lastPosted = new Map<string, number>();
  private readonly failing = new Set<string>();

  constructor(private readonly deps: AlertmanagerRefresherDeps) {
    super({ clock: deps.clock, intervalMs: deps.pollMs ?? 1000, activity: "Alertmanager refresh", say: deps.log });
  }

  /** Posts the firing alerts of every channel whose resend interval has passed; exposed for tests. */
  async runOnce(): Promise<number> {
    const { db, clock } = this.deps;
    const now = clock.now();
    const channels = (await db.alertChannel.findMany({ where: { type: "alertmanager", enabled: true } })).map(channelFromRow);
    const due = channels.filter((c) => now - (this.lastPosted.get(c.id) ?? -Infinity) >= (c.alertmanager?.resendSeconds ?? 60) * 1000);
    if (due.length === 0) return 0;
    const firing = await this.firingAlerts(now);
    let posted = 0;
    for (const channel of due) {
      this.lastPosted.set(channel.id, now);
      const alerts = firing.get(channel.id) ?? [];
      if (alerts.length === 0) continue;
      if (!(await this.post(channel, alerts.map((a) => a.notice)))) continue;
      posted += alerts.length;
      // One that resolved while this post was on its way must not stay open there: say it ended.
      const open = await db.alertState.findMany({ where: { state: "firing" }, select: { ruleId: true, targetKey: true } });
      const gone = alerts.filter((a) => !open.some((o) => o.ruleId === a.ruleId && o.targetKey === a.targetKey));
      const at = new Date(clock.now()).toISOString();
      if (gone.length > 0) await this.post(channel, gone.map((a) => ({ ...a.notice, kind: "resolved", state: "resolved", at })));
    }
    return posted;
  }

  /** Per channel id: the alerts firing now that were announced and are not muted. */
  private async firingAlerts(now: number): Promise<Map<string, Keyed[]>> {
    const { db } = this.deps;
    const [states, rules, silences] = await Promise.all([
      db.alertState.findMany({ where: { state: "firing", lastNotifiedAt: { not: null } } }),
      db.alertRule.findMany({ where: { enabled: true } }),
      db.alertSilence.findMany({ where: { endsAt: { gt: new Date(now) } } }),
    ]);
    const silenceList = silences.map((s) => ({ id: s.id, ruleId: s.ruleId, targetKey: s.targetKey, endsAt: s.endsAt.getTime() }));
    const out = new Map<string, Keyed[]>();
    for (const state of states) {
      const row = rules.find((r) => r.id === state.ruleId);
      if (!row || matchingSilence(silenceList, state.ruleId, state.targetKey, now)) continue;
      const rule = ruleFromRow(row);
      const i = state.targetKey.indexOf(":");
      const kind: TargetKind = state.targetKey.slice(0, i) === "group" ? "group" : "job";
      const notice: AlertNotice = {
        kind: "repeat",
        state: "firing",
        rule: { id: rule.id, name: rule.name, severity: rule.severity, condition: describeCondition(rule.condition) },
        target: { kind, id: state.targetKey.slice(i + 1), name: state.targetName },
        value: state.value,
        valueText: formatValue(rule.condition, state.value),
        threshold: null,
        unit: "",
        since: new Date(Number(state.since)).toISOString(),
        at: new Date(now).toISOString(),
        link: targetLink(this.deps.publicUrl, kind, state.targetName),
        eventId: 0,
      };
      for (const channelId of rule.channelIds) out.set(channelId, [...(out.get(channelId) ?? []), { notice, ruleId: state.ruleId, targetKey: state.targetKey }]);
    }
    return out;
  }

  private async post(channel: ChannelRecord, notices: AlertNotice[]): Promise<boolean> {
    const resendMs = (channel.alertmanager?.resendSeconds ?? 60) * 1000;
    const body = JSON.stringify(notices.map((n) => alertmanagerAlert(n, resendMs)));
    let problem: string | null = null;
    try {
      const request = { method: "POST", url: alertmanagerEndpoint(channel.secret), headers: { "content-type": "application/json", "user-agent": "tidemark-alerts" }, body };
      const response = await this.deps.transport.send(request, AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.deps.timeoutMs)]));
      if (response.status < 200 || response.status >= 300) problem = `HTTP ${response.status}: ${response.text.slice(0, 200)}`;
    } catch (error) {
      const e = error as Error & { cause?: { code?: string } };
      problem = e.cause?.code ?? e.message;
    }
    // Reported once per failing streak, not on every refresh.
    if (problem && !this.failing.has(channel.id)) this.say(`refreshing alerts in Alertmanager channel '${channel.name}' failed: ${scrub(problem, [channel.secret])}`);
    if (!problem && this.failing.has(channel.id)) this.say(`refreshing alerts in Alertmanager channel '${channel.name}' works again`);
    if (problem) this.failing.add(channel.id);
    else this.failing.delete(channel.id);
    return problem === null;
  }
}
