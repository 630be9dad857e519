import { cn } from "./cn";

const styles: Record<string, string> = {
  running: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  starting: "bg-sky-50 text-sky-800 ring-sky-600/20",
  waiting: "bg-amber-50 text-amber-800 ring-amber-600/20",
  failed: "bg-red-50 text-red-800 ring-red-600/20",
  stopped: "bg-slate-100 text-slate-700 ring-slate-500/20",
  succeeded: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  planned: "bg-sky-50 text-sky-800 ring-sky-600/20",
  abandoned: "bg-slate-100 text-slate-500 ring-slate-400/20",
  "rolled back": "bg-violet-50 text-violet-800 ring-violet-600/20",
  cleared: "bg-slate-100 text-slate-500 ring-slate-400/20",
  live: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  silent: "bg-amber-50 text-amber-800 ring-amber-600/20",
};

const labels: Record<string, string> = { waiting: "waiting for Kafka" };

export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", styles[status] ?? styles.stopped)}>
      <span aria-hidden className="h-1.5 w-1.5 rounded-full bg-current opacity-70" />
      {labels[status] ?? status}
    </span>
  );
}
