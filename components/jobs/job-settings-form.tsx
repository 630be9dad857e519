"use client";
import { useId, useState, type FormEvent, type ReactNode } from "react";
import { updateJobSchema, type JobDto, type UpdateJobInput } from "@/lib/contracts/jobs";
import { useProcessorsQuery } from "@/lib/client/api/processors";
import { useCan } from "@/lib/client/api/auth";
import { useUpdateJobMutation } from "@/lib/client/api/jobs";
import { Button } from "@/components/ui/button";
import { Panel } from "@/components/ui/panel";
import { formatBytes, formatCount } from "@/components/ui/format";
import { isJobActive } from "@/lib/domain/statuses";
import { FormError } from "@/components/ui/form-parts";

const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-xs focus:border-sky-600 disabled:bg-slate-50 disabled:text-slate-500 aria-invalid:border-red-400";

const processorHints: Record<string, string> = {
  "count-by-key": '{"windowMs": 60000} counts per minute of record time; {} counts over all time.',
  "store-records": '{"retentionMs": 604800000} keeps records for 7 days (the default).',
  forward: '{"topic": "orders.eu", "filter": {"field": "region", "equals": "eu"}, "keyField": "customer"}. At-least-once.',
};

/** Edits a stopped job's settings (PATCH). The job keeps its offsets and results. */
export function JobSettingsForm({ job }: { job: JobDto }) {
  const update = useUpdateJobMutation(job.id);
  const processors = useProcessorsQuery();
  const canOperate = useCan("operator");
  const locked = isJobActive(job) || !canOperate;
  const [processor, setProcessor] = useState<string>(job.processor);
  const [config, setConfig] = useState(JSON.stringify(job.processorConfig ?? {}, null, 2));
  const [batchIntervalMs, setBatchIntervalMs] = useState(String(job.batchIntervalMs));
  const [maxRecords, setMaxRecords] = useState(job.maxRecordsPerPartition === null ? "" : String(job.maxRecordsPerPartition));
  const [maxBatchBytes, setMaxBatchBytes] = useState(job.maxBatchBytes === null ? "" : String(job.maxBatchBytes));
  const [onError, setOnError] = useState(job.onError);
  const [maxAttempts, setMaxAttempts] = useState(String(job.maxAttempts));
  const [retryBackoffMs, setRetryBackoffMs] = useState(String(job.retryBackoffMs));
  const [onOutOfRange, setOnOutOfRange] = useState(job.onOutOfRange);
  const [mirror, setMirror] = useState(job.mirrorOffsetsToKafka);
  const [backpressure, setBackpressure] = useState(job.backpressure);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    let processorConfig: Record<string, unknown>;
    try {
      processorConfig = JSON.parse(config.trim() === "" ? "{}" : config) as Record<string, unknown>;
    } catch {
      setError("processorConfig: not valid JSON");
      return;
    }
    const input: UpdateJobInput = {
      processor: processor as UpdateJobInput["processor"],
      processorConfig,
      batchIntervalMs: Number(batchIntervalMs),
      maxRecordsPerPartition: maxRecords.trim() === "" ? null : Number(maxRecords),
      maxBatchBytes: maxBatchBytes.trim() === "" ? null : Number(maxBatchBytes),
      onError,
      maxAttempts: Number(maxAttempts),
      retryBackoffMs: Number(retryBackoffMs),
      onOutOfRange,
      mirrorOffsetsToKafka: mirror,
      backpressure,
    };
    const parsed = updateJobSchema.safeParse(input);
    if (!parsed.success) {
      setError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
      return;
    }
    setError(null);
    update.mutate(input, { onSuccess: () => setSaved(true), onError: (e) => setError(e.message) });
  }

  return (
    <Panel
      title="Settings"
      actions={
        locked ? (
          <span className="text-xs text-slate-500">{canOperate ? "Stop the job to change its settings" : "Operators can change settings"}</span>
        ) : null
      }
    >
      <form onSubmit={onSubmit} aria-label="Job settings" className="grid gap-3 p-4 md:grid-cols-2">
        <fieldset disabled={locked} className="contents">
          <Field label="Processor">
            {(field) => (
              <select {...field} className={inputClass} value={processor} onChange={(e) => setProcessor(e.target.value)}>
                {[...new Set([job.processor, ...(processors.data ?? []).map((p) => p.name)])].map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Batch interval (ms)">
            {(field) => (
              <input {...field} className={inputClass} inputMode="numeric" value={batchIntervalMs} onChange={(e) => setBatchIntervalMs(e.target.value)} />
            )}
          </Field>
          <Field label="Processor config (JSON)" hint={processorHints[processor] ?? processors.data?.find((p) => p.name === processor)?.description} wide>
            {(field) => (
              <textarea {...field} className={`${inputClass} font-mono text-xs`} rows={3} value={config} onChange={(e) => setConfig(e.target.value)} spellCheck={false} />
            )}
          </Field>
          <Field label="Max records per partition" hint={`Per batch. Empty: the server's default${job.maxRecordsPerPartition === null ? ` (${formatCount(job.batchLimits.maxRecordsPerPartition)})` : ""}.`}>
            {(field) => (
              <input {...field} className={inputClass} inputMode="numeric" value={maxRecords} onChange={(e) => setMaxRecords(e.target.value)} />
            )}
          </Field>
          <Field label="Max bytes per batch" hint={`Keys and values, all partitions. Empty: the server's default${job.maxBatchBytes === null ? ` (${formatBytes(job.batchLimits.maxBatchBytes)})` : ""}.`}>
            {(field) => (
              <input {...field} className={inputClass} inputMode="numeric" value={maxBatchBytes} onChange={(e) => setMaxBatchBytes(e.target.value)} />
            )}
          </Field>
          <Field label="On error" hint="skip moves a record the processor fails on to the dead letters.">
            {(field) => (
              <select {...field} className={inputClass} value={onError} onChange={(e) => setOnError(e.target.value as JobDto["onError"])}>
                <option value="fail">fail (retry, then stop)</option>
                <option value="skip">skip (dead-letter the record)</option>
              </select>
            )}
          </Field>
          <Field label="Attempts before failing">
            {(field) => (
              <input {...field} className={inputClass} inputMode="numeric" value={maxAttempts} onChange={(e) => setMaxAttempts(e.target.value)} />
            )}
          </Field>
          <Field label="First retry delay (ms)" hint="Doubles per attempt, at most 30 s.">
            {(field) => (
              <input {...field} className={inputClass} inputMode="numeric" value={retryBackoffMs} onChange={(e) => setRetryBackoffMs(e.target.value)} />
            )}
          </Field>
          <Field label="Offsets out of range" hint="earliest/latest reset automatically and write the audit log.">
            {(field) => (
              <select {...field} className={inputClass} value={onOutOfRange} onChange={(e) => setOnOutOfRange(e.target.value as JobDto["onOutOfRange"])}>
                <option value="fail">fail</option>
                <option value="earliest">reset to earliest</option>
                <option value="latest">reset to latest</option>
              </select>
            )}
          </Field>
          <div className="flex flex-col justify-center gap-2 text-sm">
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={mirror} onChange={(e) => setMirror(e.target.checked)} />
              Mirror offsets to Kafka group <code className="text-xs">tidemark.{job.name}</code>
            </label>
            <label className="flex items-center gap-2">
              <input type="checkbox" checked={backpressure} onChange={(e) => setBackpressure(e.target.checked)} />
              Backpressure (shrink batches that overrun the interval)
            </label>
          </div>
          <div className="flex items-center gap-3 md:col-span-2">
            <Button type="submit" variant="primary" disabled={locked || update.isPending}>
              {update.isPending ? "Saving…" : "Save settings"}
            </Button>
            {saved && !error && <span className="text-sm text-emerald-700">Saved. Offsets are kept.</span>}
            <FormError message={error} />
          </div>
        </fieldset>
      </form>
    </Panel>
  );
}

/**
 * A field named by its label's words alone: the label sits beside the control, not around it (a label around a
 * select also holds its options' text), and the hint below describes the control instead of joining its name.
 */
function Field({ label, hint, wide, children }: { label: string; hint?: string; wide?: boolean; children: (field: { id: string; "aria-describedby"?: string }) => ReactNode }) {
  const id = useId();
  return (
    <div className={wide ? "block md:col-span-2" : "block"}>
      <label htmlFor={id} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      {children({ id, "aria-describedby": hint ? `${id}-hint` : undefined })}
      {hint && (
        <span id={`${id}-hint`} className="mt-1 block text-xs text-slate-500">
          {hint}
        </span>
      )}
    </div>
  );
}
