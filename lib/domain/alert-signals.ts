/**
 * The evaluator's view of the world: per job and consumer group, the values alert conditions judge. A port:
 * lib/server/alerts/db-alert-signals.ts reads them from what the lag sampler and the runtime store; tests can
 * hand in anything.
 */
import type { AlertTargetSignals } from "./alert-conditions";

export interface SignalNeeds {
  /** Consumer groups are needed (a rule targets groups) */
  groups: boolean;
  /** Longest "falling behind" streak any rule asks for (0: none) */
  slowBatchWindow: number;
  /** Dead-letter windows rules ask for, ms */
  deadLetterWindowsMs: number[];
}

export interface AlertSignals {
  read(nowMs: number, needs: SignalNeeds): Promise<AlertTargetSignals[]>;
}
