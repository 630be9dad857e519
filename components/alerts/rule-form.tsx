"use client";
import { useState, type FormEvent } from "react";
import { createAlertRuleSchema, type AlertRuleDto, type CreateAlertRuleInput } from "@/lib/contracts/alerts";
import { alertSeverities, type AlertConditionType } from "@/lib/domain/alert-conditions";
import { useAlertChannelsQuery, useCreateAlertRuleMutation, useUpdateAlertRuleMutation } from "@/lib/client/api/alerts";
import { useJobsQuery } from "@/lib/client/api/jobs";
import { inputClass } from "./alert-badges";
import { FormActions } from "@/components/ui/form-parts";

const conditionLabels: Record<AlertConditionType, string> = {
  lag: "Lag in records >",
  "time-lag": "Time lag in seconds >",
  eta: "ETA to catch up in seconds > (or never)",
  status: "Lag status at or above",
  "job-failed": "Job failed",
  "job-not-running": "Job stopped without a user asking",
  "falling-behind": "Falling behind: slow batches in a row ≥",
  "dead-letters": "Dead-letter records added >",
};

type Errors = Record<string, string>;

/** Create a rule, or edit `rule`. Validates with the API's own schema before sending. */
export function RuleForm({ rule, onDone, disabled }: { rule?: AlertRuleDto; onDone: () => void; disabled: boolean }) {
  const jobs = useJobsQuery();
  const channels = useAlertChannelsQuery();
  const create = useCreateAlertRuleMutation();
  const update = useUpdateAlertRuleMutation();
  const c = rule?.condition;
  const [name, setName] = useState(rule?.name ?? "");
  const [targetType, setTargetType] = useState<"job" | "all-jobs" | "groups">(rule?.target.type ?? "job");
  const [job, setJob] = useState(rule?.target.type === "job" ? (rule.target.job.name ?? rule.target.job.id) : "");
  const [pattern, setPattern] = useState(rule?.target.type === "groups" ? rule.target.pattern : "");
  const [conditionType, setConditionType] = useState<AlertConditionType>(c?.type ?? "lag");
  const [threshold, setThreshold] = useState(
    c ? String("threshold" in c ? c.threshold : "thresholdSeconds" in c ? c.thresholdSeconds : "batches" in c ? c.batches : "") : "1000",
  );
  const [atLeast, setAtLeast] = useState<"WARN" | "ERR">(c?.type === "status" ? c.atLeast : "WARN");
  const [windowSeconds, setWindowSeconds] = useState(c?.type === "dead-letters" ? String(c.windowSeconds) : "300");
  const [forSeconds, setForSeconds] = useState(String(rule?.forSeconds ?? 60));
  const [severity, setSeverity] = useState(rule?.severity ?? "warning");
  const [repeat, setRepeat] = useState(rule ? (rule.repeatSeconds === null ? "" : String(rule.repeatSeconds)) : "3600");
  const [channelIds, setChannelIds] = useState<string[]>(rule?.channels.map((x) => x.id) ?? []);
  const [errors, setErrors] = useState<Errors>({});
  const num = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

  function buildInput(): CreateAlertRuleInput {
    const target =
      targetType === "job" ? { type: "job" as const, job } : targetType === "groups" ? { type: "groups" as const, pattern } : { type: "all-jobs" as const };
    const condition = (() => {
      switch (conditionType) {
        case "lag":
          return { type: "lag" as const, threshold: num(threshold) };
        case "time-lag":
          return { type: "time-lag" as const, thresholdSeconds: num(threshold) };
        case "eta":
          return { type: "eta" as const, thresholdSeconds: num(threshold) };
        case "status":
          return { type: "status" as const, atLeast };
        case "falling-behind":
          return { type: "falling-behind" as const, batches: num(threshold) };
        case "dead-letters":
          return { type: "dead-letters" as const, threshold: num(threshold), windowSeconds: num(windowSeconds) };
        default:
          return { type: conditionType };
      }
    })();
    return { name, target, condition, forSeconds: num(forSeconds), severity, repeatSeconds: repeat.trim() === "" ? null : num(repeat), channels: channelIds };
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = buildInput();
    const parsed = createAlertRuleSchema.safeParse(input);
    if (!parsed.success) {
      const found: Errors = {};
      for (const issue of parsed.error.issues) {
        const key = issue.path[0] === "condition" ? "condition" : issue.path[0] === "target" ? "target" : String(issue.path[0] ?? "form");
        found[key] ??= issue.message;
      }
      setErrors(found);
      return;
    }
    setErrors({});
    const onError = (error: { code: string; message: string }) =>
      setErrors({ [error.code === "ALERT_RULE_NAME_TAKEN" ? "name" : error.code === "UNKNOWN_TARGET" ? "target" : error.code === "UNKNOWN_CHANNEL" ? "channels" : "form"]: error.message });
    if (rule) update.mutate({ id: rule.id, ...input }, { onSuccess: onDone, onError });
    else create.mutate(input, { onSuccess: onDone, onError });
  }

  const needsNumber = ["lag", "time-lag", "eta", "falling-behind", "dead-letters"].includes(conditionType);
  const jobOnly = ["job-failed", "job-not-running", "falling-behind", "dead-letters"].includes(conditionType);
  const err = (key: string, hint?: string) =>
    errors[key] ? (
      <p id={`rule-${key}-error`} className="mt-1 text-xs text-red-700">
        {errors[key]}
      </p>
    ) : hint ? (
      <p className="mt-1 text-xs text-slate-500">{hint}</p>
    ) : null;
  const label = "block text-xs font-medium text-slate-700";
  const pending = create.isPending || update.isPending;

  return (
    <form onSubmit={onSubmit} noValidate aria-label={rule ? `Edit rule ${rule.name}` : "New rule"} className="grid grid-cols-1 gap-4 p-4 md:grid-cols-3">
      <div>
        <label htmlFor="rule-name" className={label}>
          Name
        </label>
        <input id="rule-name" autoFocus className={inputClass} value={name} onChange={(e) => setName(e.target.value)} aria-invalid={Boolean(errors.name)} autoComplete="off" placeholder="orders lag" />
        {err("name")}
      </div>
      <div>
        <label htmlFor="rule-target-type" className={label}>
          Target
        </label>
        <select id="rule-target-type" className={inputClass} value={targetType} onChange={(e) => setTargetType(e.target.value as typeof targetType)}>
          <option value="job">A job</option>
          <option value="all-jobs">All jobs</option>
          <option value="groups" disabled={jobOnly}>
            Consumer groups matching
          </option>
        </select>
        {err("target")}
      </div>
      <div>
        {targetType === "job" ? (
          <>
            <label htmlFor="rule-job" className={label}>
              Job
            </label>
            <select id="rule-job" className={inputClass} value={job} onChange={(e) => setJob(e.target.value)} aria-invalid={Boolean(errors.target)}>
              <option value="">Choose a job…</option>
              {jobs.data?.map((j) => (
                <option key={j.id} value={j.name}>
                  {j.name}
                </option>
              ))}
            </select>
          </>
        ) : targetType === "groups" ? (
          <>
            <label htmlFor="rule-pattern" className={label}>
              Group pattern
            </label>
            <input id="rule-pattern" className={inputClass} value={pattern} onChange={(e) => setPattern(e.target.value)} placeholder="orders-*" autoComplete="off" />
            <p className="mt-1 text-xs text-slate-500">* and ? are wildcards.</p>
          </>
        ) : (
          <p className="pt-5 text-xs text-slate-500">Every job, including jobs created later.</p>
        )}
      </div>

      <div>
        <label htmlFor="rule-condition" className={label}>
          Condition
        </label>
        <select id="rule-condition" className={inputClass} value={conditionType} onChange={(e) => setConditionType(e.target.value as AlertConditionType)}>
          {Object.entries(conditionLabels).map(([value, text]) => (
            <option key={value} value={value} disabled={targetType === "groups" && ["job-failed", "job-not-running", "falling-behind", "dead-letters"].includes(value)}>
              {text}
            </option>
          ))}
        </select>
        {err("condition")}
      </div>
      <div>
        {conditionType === "status" ? (
          <>
            <label htmlFor="rule-status" className={label}>
              Status
            </label>
            <select id="rule-status" className={inputClass} value={atLeast} onChange={(e) => setAtLeast(e.target.value as "WARN" | "ERR")}>
              <option value="WARN">WARN</option>
              <option value="ERR">ERR</option>
            </select>
          </>
        ) : needsNumber ? (
          <>
            <label htmlFor="rule-threshold" className={label}>
              {conditionType === "falling-behind" ? "Batches in a row" : conditionType === "lag" || conditionType === "dead-letters" ? "Threshold (records)" : "Threshold (seconds)"}
            </label>
            <input id="rule-threshold" inputMode="numeric" className={`${inputClass} num`} value={threshold} onChange={(e) => setThreshold(e.target.value)} aria-invalid={Boolean(errors.condition)} />
          </>
        ) : null}
      </div>
      <div>
        {conditionType === "dead-letters" && (
          <>
            <label htmlFor="rule-window" className={label}>
              Within (seconds)
            </label>
            <input id="rule-window" inputMode="numeric" className={`${inputClass} num`} value={windowSeconds} onChange={(e) => setWindowSeconds(e.target.value)} />
          </>
        )}
      </div>

      <div>
        <label htmlFor="rule-for" className={label}>
          For at least (seconds)
        </label>
        <input id="rule-for" inputMode="numeric" className={`${inputClass} num`} value={forSeconds} onChange={(e) => setForSeconds(e.target.value)} aria-invalid={Boolean(errors.forSeconds)} />
        {err("forSeconds", "0 fires at the first evaluation.")}
      </div>
      <div>
        <label htmlFor="rule-severity" className={label}>
          Severity
        </label>
        <select id="rule-severity" className={inputClass} value={severity} onChange={(e) => setSeverity(e.target.value as typeof severity)}>
          {alertSeverities.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="rule-repeat" className={label}>
          Repeat every (seconds)
        </label>
        <input id="rule-repeat" inputMode="numeric" className={`${inputClass} num`} value={repeat} onChange={(e) => setRepeat(e.target.value)} aria-invalid={Boolean(errors.repeatSeconds)} placeholder="empty: once only" />
        {err("repeatSeconds", "Empty: send once only.")}
      </div>

      <fieldset className="md:col-span-3">
        <legend className={label}>Channels</legend>
        {channels.data && channels.data.length > 0 ? (
          <div className="mt-1 flex flex-wrap gap-3">
            {channels.data.map((ch) => (
              <label key={ch.id} className="flex items-center gap-1.5 text-sm">
                <input
                  type="checkbox"
                  checked={channelIds.includes(ch.id)}
                  onChange={(e) => setChannelIds((prev) => (e.target.checked ? [...prev, ch.id] : prev.filter((x) => x !== ch.id)))}
                />
                {ch.name} <span className="text-xs text-slate-500">({ch.type})</span>
              </label>
            ))}
          </div>
        ) : (
          <p className="mt-1 text-xs text-slate-500">No channels yet: the rule’s alerts show here and in the history only.</p>
        )}
        {err("channels")}
      </fieldset>

      <FormActions className="md:col-span-3" submitLabel={rule ? "Save rule" : "Create rule"} disabled={disabled || pending} onCancel={onDone} error={errors.form} />
    </form>
  );
}
