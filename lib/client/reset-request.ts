import type { ResetChoice, resultsPolicies } from "@/lib/contracts/resets";
import type { ResetMode } from "@/lib/domain/reset-plan";

type ValueKind = "number" | "text";
export interface ResetModeOption {
  mode: ResetMode;
  label: string;
  /** The one input a mode reads, when it reads one (per-partition reads an offset per row instead). */
  value?: { label: string; placeholder: string; kind: ValueKind };
}

export const resetModeOptions: ResetModeOption[] = [
  { mode: "to-earliest", label: "Earliest" },
  { mode: "to-latest", label: "Latest" },
  { mode: "to-offset", label: "Offset", value: { label: "Offset", placeholder: "e.g. 1200", kind: "number" } },
  { mode: "to-datetime", label: "Date and time", value: { label: "ISO-8601 date-time with its zone (Z for UTC, or +01:00)", placeholder: "2026-11-27T09:30:00Z", kind: "text" } },
  { mode: "by-duration", label: "Back by duration", value: { label: "ISO-8601 duration", placeholder: "PT30M, P1DT2H", kind: "text" } },
  { mode: "shift-by", label: "Shift by", value: { label: "Records (negative rewinds)", placeholder: "-500", kind: "number" } },
  { mode: "to-batch", label: "Start of a batch", value: { label: "Batch id", placeholder: "e.g. 42", kind: "number" } },
  { mode: "per-partition", label: "Per partition" },
];

export interface PartitionRef {
  topic: string;
  partition: number;
}

export const partitionKeyOf = (p: PartitionRef) => `${p.topic}:${p.partition}`;

/** The reset form as the user left it: text as typed, partitions by partitionKeyOf. */
export interface ResetFormState {
  mode: ResetMode;
  value: string;
  /** Target offsets typed per partition (per-partition mode). */
  targets: Record<string, string>;
  /** The partitions in scope. */
  scope: ReadonlySet<string>;
  results: (typeof resultsPolicies)[number];
  reason: string;
}

/**
 * The request the form sends. Typed text goes as typed (a number field as Number(text)): the server's
 * schema judges it and says what is wrong. `partitions` is left out when every partition is in scope.
 */
export function buildResetRequest(form: ResetFormState, partitions: readonly PartitionRef[]): ResetChoice {
  const chosen = partitions.filter((p) => form.scope.has(partitionKeyOf(p)));
  const common = {
    results: form.results,
    ...(form.reason.trim() ? { reason: form.reason.trim() } : {}),
    ...(chosen.length === partitions.length ? {} : { partitions: chosen.map(({ topic, partition }) => ({ topic, partition })) }),
  };
  const number = Number(form.value);
  const text = form.value.trim();
  switch (form.mode) {
    case "to-earliest":
    case "to-latest":
      return { mode: form.mode, ...common };
    case "to-offset":
    case "shift-by":
    case "to-batch":
      return { mode: form.mode, value: number, ...common };
    case "to-datetime":
    case "by-duration":
      return { mode: form.mode, value: text, ...common };
    case "per-partition": {
      const targets = chosen
        .filter((p) => form.targets[partitionKeyOf(p)]?.trim())
        .map((p) => ({ topic: p.topic, partition: p.partition, offset: Number(form.targets[partitionKeyOf(p)]) }));
      return { mode: "per-partition", targets, ...common };
    }
  }
}
