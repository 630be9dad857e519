import type { AlertSeverity } from "@/lib/domain/alert-conditions";
import { cn } from "@/components/ui/cn";

const severityStyles: Record<AlertSeverity, string> = {
  critical: "bg-red-50 text-red-800 ring-red-600/20",
  warning: "bg-amber-50 text-amber-800 ring-amber-600/20",
  info: "bg-sky-50 text-sky-800 ring-sky-600/20",
};

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <span className={cn("inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", severityStyles[severity])}>{severity}</span>;
}

const stateStyles: Record<string, string> = {
  firing: "bg-red-50 text-red-800 ring-red-600/20",
  repeat: "bg-red-50 text-red-800 ring-red-600/20",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20",
  resolved: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  test: "bg-slate-100 text-slate-700 ring-slate-500/20",
  delivered: "bg-emerald-50 text-emerald-800 ring-emerald-600/20",
  failed: "bg-red-50 text-red-800 ring-red-600/20",
  silenced: "bg-slate-100 text-slate-700 ring-slate-500/20",
};

export function AlertStateBadge({ state, label }: { state: string; label?: string }) {
  return (
    <span className={cn("inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", stateStyles[state] ?? stateStyles.test)}>
      <span aria-hidden className="h-1.5 w-1.5 rounded-full bg-current opacity-70" />
      {label ?? state}
    </span>
  );
}

export const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB", { hour12: false }) : "—");

/** "3 min ago", "2 h ago": how long something has been going on. */
export function ago(iso: string, now = Date.now()): string {
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (s < 90) return `${s} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  if (s < 172_800) return `${(s / 3600).toFixed(1)} h`;
  return `${Math.round(s / 86_400)} d`;
}

export const inputClass =
  "block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-xs focus:border-sky-600 aria-invalid:border-red-400";
