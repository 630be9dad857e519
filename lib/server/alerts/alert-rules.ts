/** Alert rules as the evaluator and the API use them (parsed from their rows). */
import type { AlertCondition, AlertSeverity } from "@/lib/domain/alert-conditions";

export interface RuleRecord {
  id: string;
  name: string;
  enabled: boolean;
  targetType: "job" | "all-jobs" | "groups";
  /** Job id, or the group pattern */
  targetValue: string | null;
  condition: AlertCondition;
  forMs: number;
  severity: AlertSeverity;
  repeatMs: number | null;
  channelIds: string[];
  createdAt: Date;
  updatedAt: Date;
}

type RuleRow = {
  id: string;
  name: string;
  enabled: boolean;
  targetType: string;
  targetValue: string | null;
  condition: string;
  forMs: number;
  severity: string;
  repeatMs: number | null;
  channelIds: string;
  createdAt: Date;
  updatedAt: Date;
};

export function ruleFromRow(row: RuleRow): RuleRecord {
  return {
    ...row,
    targetType: row.targetType as RuleRecord["targetType"],
    condition: JSON.parse(row.condition) as AlertCondition,
    severity: row.severity as AlertSeverity,
    channelIds: JSON.parse(row.channelIds) as string[],
  };
}
