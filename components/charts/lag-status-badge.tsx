import type { EtaDto, LagStatus, PartitionLagStatus } from "@/lib/contracts/lag";
import { cn } from "@/components/ui/cn";
import { formatDuration } from "./format";

const styles: Record<string, string> = {
  OK: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  WARN: "bg-amber-50 text-amber-800 ring-amber-600/30",
  ERR: "bg-red-50 text-red-800 ring-red-600/20",
  STOP: "bg-red-50 text-red-800 ring-red-600/20",
  STALL: "bg-red-50 text-red-800 ring-red-600/20",
  REWIND: "bg-violet-50 text-violet-800 ring-violet-600/20",
  UNKNOWN: "bg-slate-100 text-slate-600 ring-slate-500/20",
};

const meaning: Record<string, string> = {
  OK: "Keeping up",
  WARN: "Lag never decreased over the window: consuming too slowly",
  ERR: "A partition is stopped, stalled or rewound (or no fresh samples)",
  STOP: "No commits for longer than the window spans",
  STALL: "Committing, but the offset does not move while there is lag",
  REWIND: "The committed offset went backwards",
  UNKNOWN: "Not sampled yet",
};

/** Burrow-style lag status. With ERR, the worst partition status is shown too ("ERR · STOP"). */
export function LagStatusBadge({ status, worst, stale }: { status: LagStatus | PartitionLagStatus; worst?: PartitionLagStatus; stale?: boolean }) {
  const detail = status === "ERR" && worst && worst !== "OK" && worst !== "WARN" ? worst : null;
  const title = stale ? "No fresh samples: the sampler is not running or Kafka does not answer" : meaning[detail ?? status];
  return (
    <span
      title={title}
      data-testid="lag-status"
      className={cn("inline-flex items-center gap-1 rounded px-1.5 py-0.5 font-mono text-[11px] font-semibold ring-1 ring-inset", styles[status] ?? styles.UNKNOWN)}
    >
      {status}
      {detail && <span className="font-normal opacity-80">· {detail}</span>}
      {stale && status === "ERR" && !detail && <span className="font-normal opacity-80">· stale</span>}
    </span>
  );
}

export function EtaText({ eta }: { eta: EtaDto }) {
  if (eta.state === "caught-up") return <span className="text-emerald-700">caught up</span>;
  if (eta.state === "never") return <span className="font-medium text-red-700" title="Consuming no faster than producers write">never</span>;
  if (eta.state === "unknown") return <span className="text-slate-400">—</span>;
  return <span className="num">{formatDuration(eta.ms)}</span>;
}
