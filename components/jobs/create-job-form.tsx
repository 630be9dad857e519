"use client";
import { useRouter } from "next/navigation";
import { useState, type FormEvent, type ReactNode } from "react";
import { createJobSchema, type CreateJobInput } from "@/lib/contracts/jobs";
import { useCan } from "@/lib/client/api/auth";
import { useCreateJobMutation } from "@/lib/client/api/jobs";
import { useTopicsQuery } from "@/lib/client/api/topics";
import { useProcessorsQuery } from "@/lib/client/api/processors";
import { configFields, configFromInputs, initialInputs, type ConfigInputs } from "./config-fields";
import { ProcessorConfigFields } from "./processor-config-fields";
import { TopicPicker } from "./topic-picker";
import { FieldLabel } from "@/components/ui/form-parts";
import { Button } from "@/components/ui/button";
import { BackLink } from "@/components/ui/back-link";
import { Panel } from "@/components/ui/panel";

type FieldErrors = Partial<Record<keyof CreateJobInput | "form", string>>;

const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-xs focus:border-sky-600 aria-invalid:border-red-400";

export function CreateJobForm() {
  const router = useRouter();
  const topics = useTopicsQuery();
  const create = useCreateJobMutation();
  const canOperate = useCan("operator");
  const [name, setName] = useState("");
  const [selectedTopics, setSelectedTopics] = useState<string[]>([]);
  const [batchIntervalMs, setBatchIntervalMs] = useState("2000");
  const [maxRecords, setMaxRecords] = useState("");
  const [maxBatchBytes, setMaxBatchBytes] = useState("");
  const [startingOffsets, setStartingOffsets] = useState<"earliest" | "latest">("earliest");
  const [errors, setErrors] = useState<FieldErrors>({});
  const processors = useProcessorsQuery();
  const [processor, setProcessor] = useState("count-by-key");
  const fields = configFields(processors.data?.find((p) => p.name === processor)?.configSchema);
  const [configInputs, setConfigInputs] = useState<ConfigInputs>({});
  const [configErrors, setConfigErrors] = useState<Record<string, string>>({});

  function chooseProcessor(name: string) {
    setProcessor(name);
    setConfigInputs(initialInputs(configFields(processors.data?.find((p) => p.name === name)?.configSchema)));
    setConfigErrors({});
  }

  function buildInput(): CreateJobInput {
    return {
      name,
      topics: selectedTopics,
      processor,
      processorConfig: configFromInputs(fields, { ...initialInputs(fields), ...configInputs }).config,
      batchIntervalMs: batchIntervalMs.trim() === "" ? Number.NaN : Number(batchIntervalMs),
      maxRecordsPerPartition: maxRecords.trim() === "" ? null : Number(maxRecords),
      maxBatchBytes: maxBatchBytes.trim() === "" ? null : Number(maxBatchBytes),
      startingOffsets,
    };
  }

  function validate(input: CreateJobInput): FieldErrors {
    const parsed = createJobSchema.safeParse(input);
    if (parsed.success) return {};
    const found: FieldErrors = {};
    for (const issue of parsed.error.issues) {
      const field = (issue.path[0] as keyof CreateJobInput) ?? "form";
      found[field] ??= issue.message;
    }
    return found;
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const input = buildInput();
    const found = validate(input);
    const configChecked = configFromInputs(fields, { ...initialInputs(fields), ...configInputs }).errors;
    setErrors(found);
    setConfigErrors(configChecked);
    if (Object.keys(found).length > 0 || Object.keys(configChecked).length > 0) return;
    create.mutate(input, {
      onSuccess: (job) => router.push(`/jobs/${encodeURIComponent(job.name)}`),
      onError: (error) => {
        // The processor's own schema, on the server: its issues name processorConfig.<field>.
        const configIssues = Array.isArray(error.details) ? (error.details as { path?: string; message?: string }[]).filter((i) => i.path?.startsWith("processorConfig.")) : [];
        if (configIssues.length > 0) {
          setConfigErrors(Object.fromEntries(configIssues.map((i) => [i.path!.slice("processorConfig.".length).split(".")[0], i.message ?? "invalid"])));
          return;
        }
        const field = error.code === "JOB_NAME_TAKEN" ? "name" : error.code === "UNKNOWN_TOPIC" ? "topics" : "form";
        setErrors({ [field]: error.message });
      },
    });
  }

  const fieldError = (field: keyof FieldErrors) =>
    errors[field] ? (
      <p id={`${field}-error`} className="mt-1 text-xs text-red-700">
        {errors[field]}
      </p>
    ) : null;

  return (
    <div className="max-w-2xl space-y-4">
      <div>
        <BackLink href="/">Jobs</BackLink>
        <h1 className="mt-1 text-lg font-semibold">New job</h1>
      </div>
      <Panel>
        <form onSubmit={onSubmit} noValidate className="space-y-5 p-5">
          <div>
            <FieldLabel htmlFor="name">Name</FieldLabel>
            <input
              id="name"
              name="name"
              className={inputClass}
              value={name}
              onChange={(e) => setName(e.target.value)}
              onBlur={() => setErrors((prev) => ({ ...prev, name: validate(buildInput()).name }))}
              aria-invalid={Boolean(errors.name)}
              aria-describedby={errors.name ? "name-error" : "name-hint"}
              autoComplete="off"
              placeholder="orders-by-customer"
            />
            {/* The error takes the hint's place, so validating on blur never shifts the form under the pointer. */}
            {errors.name ? (
              fieldError("name")
            ) : (
              <p id="name-hint" className="mt-1 text-xs text-slate-500">
                1–64 characters: a–z, 0–9, “.”, “_”, “-”.
              </p>
            )}
          </div>

          <fieldset aria-describedby={errors.topics ? "topics-error" : undefined}>
            <legend className="text-sm font-medium text-slate-800">Topics</legend>
            {topics.isPending ? (
              <p className="mt-1 text-sm text-slate-500">Loading topics…</p>
            ) : topics.isError ? (
              <p className="mt-1 text-sm text-red-700">Could not list topics: {topics.error.message}</p>
            ) : topics.data.length === 0 ? (
              <p className="mt-1 text-sm text-slate-500">The cluster has no topics yet.</p>
            ) : (
              <TopicPicker topics={topics.data} selected={selectedTopics} onChange={setSelectedTopics} />
            )}
            {fieldError("topics")}
          </fieldset>

          <div className="grid grid-cols-2 gap-4">
            <div>
              <FieldLabel htmlFor="processor">Processor</FieldLabel>
              <select id="processor" className={inputClass} value={processor} onChange={(e) => chooseProcessor(e.target.value)} aria-describedby="processor-hint">
                {(processors.data ?? [{ name: "count-by-key" }]).map((p) => (
                  <option key={p.name} value={p.name}>
                    {p.name}
                  </option>
                ))}
              </select>
              <p id="processor-hint" className="mt-1 text-xs text-slate-500">
                {processors.data?.find((p) => p.name === processor)?.description ?? (processors.isError ? `Could not list processors: ${processors.error.message}` : "")}
              </p>
            </div>
            <div>
              <FieldLabel htmlFor="startingOffsets">Start new partitions at</FieldLabel>
              <select
                id="startingOffsets"
                className={inputClass}
                value={startingOffsets}
                onChange={(e) => setStartingOffsets(e.target.value as "earliest" | "latest")}
              >
                <option value="earliest">earliest (read history)</option>
                <option value="latest">latest (new records only)</option>
              </select>
            </div>
            <NumberField id="batchIntervalMs" label="Batch interval (ms)" value={batchIntervalMs} onChange={setBatchIntervalMs} error={fieldError("batchIntervalMs")} />
            <NumberField id="maxRecordsPerPartition" label="Max records per partition per batch" value={maxRecords} onChange={setMaxRecords} error={fieldError("maxRecordsPerPartition")} placeholder="server default" />
            <NumberField id="maxBatchBytes" label="Max bytes per batch" value={maxBatchBytes} onChange={setMaxBatchBytes} error={fieldError("maxBatchBytes")} placeholder="server default" />
          </div>

          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-800">Processor settings</legend>
            <ProcessorConfigFields
              fields={fields}
              inputs={{ ...initialInputs(fields), ...configInputs }}
              onChange={(name, value) => setConfigInputs((prev) => ({ ...prev, [name]: value }))}
              errors={configErrors}
              inputClass={inputClass}
            />
          </fieldset>

          {errors.form && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {errors.form}
            </p>
          )}
          <div className="flex items-center gap-3 border-t border-slate-100 pt-4">
            <Button type="submit" variant="primary" disabled={create.isPending || !canOperate} title={canOperate ? undefined : "Needs the operator role"}>
              {create.isPending ? "Creating…" : "Create job"}
            </Button>
            <p className="text-xs text-slate-500">The job is created stopped; start it from its page.</p>
          </div>
        </form>
      </Panel>
    </div>
  );
}

/** A labelled numeric input whose error (when shown) describes it. */
function NumberField(props: { id: string; label: string; value: string; onChange: (value: string) => void; error: ReactNode; placeholder?: string }) {
  const { id, label, value, onChange, error, placeholder } = props;
  return (
    <div>
      <FieldLabel htmlFor={id}>{label}</FieldLabel>
      <input
        id={id}
        inputMode="numeric"
        className={inputClass}
        value={value}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error}
    </div>
  );
}
