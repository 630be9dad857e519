import type { EtaDto } from "@/lib/contracts/lag";
import { formatCount } from "@/components/ui/format";
import { Td } from "@/components/ui/table";
import { formatDuration } from "./format";
import { EtaText } from "./lag-status-badge";

/** A consumer's lag in a list row (a job, a group): total lag, amber while there is any, and time lag. */
export function LagCells({ totalLag, timeLagMs }: { totalLag: number | null; timeLagMs: number | null }) {
  return (
    <>
      <Td numeric className={totalLag ? "font-medium text-amber-700" : ""}>
        {formatCount(totalLag)}
      </Td>
      <Td numeric>{formatDuration(timeLagMs)}</Td>
    </>
  );
}

export function EtaCell({ eta }: { eta: EtaDto }) {
  return (
    <Td numeric>
      <EtaText eta={eta} />
    </Td>
  );
}
