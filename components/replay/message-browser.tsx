"use client";
import { useId, useState, type FormEvent } from "react";
import type { RecordDto } from "@/lib/contracts/records";
import { useRecordsQuery, type RecordCursor } from "@/lib/client/api/topics";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { PayloadView } from "./payload-view";

const inputClass = "rounded-md border border-slate-300 bg-white px-2 py-1 text-sm";

/** Pages through one partition's records; "Rewind to here" hands a record to the reset flow. */
export function MessageBrowser({
  topics,
  partitionsOf,
  onRewindTo,
  canRewind,
}: {
  topics: string[];
  partitionsOf: (topic: string) => number[];
  onRewindTo?: (record: RecordDto) => void;
  canRewind: boolean;
}) {
  const [topic, setTopic] = useState(topics[0] ?? "");
  const [partition, setPartition] = useState(0);
  const [cursor, setCursor] = useState<RecordCursor>(null);
  const [history, setHistory] = useState<RecordCursor[]>([]);
  const [jumpOffset, setJumpOffset] = useState("");
  const [jumpTime, setJumpTime] = useState("");
  const [expanded, setExpanded] = useState<number | null>(null);
  const page = useRecordsQuery(topic || null, partition, cursor);
  const fieldId = useId();

  const go = (next: RecordCursor) => {
    setHistory((h) => [...h, cursor]);
    setCursor(next);
  };
  const jump = (event: FormEvent) => {
    event.preventDefault();
    setHistory([]);
    if (jumpTime) setCursor({ timestamp: new Date(jumpTime).toISOString() });
    else if (jumpOffset.trim() !== "") setCursor({ offset: Number(jumpOffset) });
    else setCursor(null);
  };

  return (
    <div>
      <form onSubmit={jump} className="flex flex-wrap items-end gap-3 border-b border-slate-100 px-4 py-3 text-xs text-slate-600">
        <PositionSelect label="Topic" value={topic} options={topics} onChange={(t) => (setTopic(t), setPartition(0), setCursor(null), setHistory([]))} />
        <PositionSelect label="Partition" value={partition} options={partitionsOf(topic)} onChange={(p) => (setPartition(Number(p)), setCursor(null), setHistory([]))} />
        <div>
          <label htmlFor={`${fieldId}-offset`}>From offset</label>
          <input id={`${fieldId}-offset`} className={`${inputClass} num block w-32`} inputMode="numeric" value={jumpOffset} onChange={(e) => (setJumpOffset(e.target.value), setJumpTime(""))} placeholder="log start" />
        </div>
        <div>
          <label htmlFor={`${fieldId}-time`}>or from time</label>
          {/* Named without the "or", which only links it to the offset beside it. */}
          <input id={`${fieldId}-time`} aria-label="From time" type="datetime-local" step="1" className={`${inputClass} block`} value={jumpTime} onChange={(e) => (setJumpTime(e.target.value), setJumpOffset(""))} />
        </div>
        <Button type="submit">Go</Button>
        {page.data && (
          <span className="num ml-auto self-center">
            log {page.data.logStartOffset.toLocaleString("en-US")} – {page.data.logEndOffset.toLocaleString("en-US")}
          </span>
        )}
      </form>
      <QueryTable
        query={page}
        errorTitle="Could not read records"
        isEmpty={(data) => data.items.length === 0}
        empty={<EmptyState title="No records here">Nothing at or after this position in the partition.</EmptyState>}
        label="Records"
        columns={[numeric("Offset"), "Timestamp", "Key", "Value", ""]}
      >
        {(data) =>
          data.items.map((r) => (
            <tr key={r.offset} data-testid="record-row" className="align-top">
              <Td numeric>{r.offset.toLocaleString("en-US")}</Td>
              <Td className="num text-xs whitespace-nowrap text-slate-600">{r.timestamp.replace("T", " ").replace("Z", "")}</Td>
              <Td className="max-w-48">
                <PayloadView payload={r.key} />
              </Td>
              <Td className="max-w-xl">
                <button type="button" className="block w-full text-left" onClick={() => setExpanded(expanded === r.offset ? null : r.offset)} aria-expanded={expanded === r.offset}>
                  {expanded === r.offset ? (
                    <>
                      <PayloadView payload={r.value} pretty />
                      {r.headers.length > 0 && (
                        <div className="mt-2 space-y-0.5 text-xs text-slate-500">
                          {r.headers.map((h, i) => (
                            <div key={`${h.name}-${i}`}>
                              <span className="font-medium">{h.name}</span>: <PayloadView payload={h.value} />
                            </div>
                          ))}
                        </div>
                      )}
                    </>
                  ) : (
                    <span className="line-clamp-1">
                      <PayloadView payload={r.value} />
                    </span>
                  )}
                </button>
              </Td>
              <Td className="text-right whitespace-nowrap">
                {onRewindTo && (
                  <Button onClick={() => onRewindTo(r)} disabled={!canRewind} title={canRewind ? "Plan a reset of this partition to this record (the dialog stops the job first if it runs)" : "Needs the operator role"}>
                    Rewind to here
                  </Button>
                )}
              </Td>
            </tr>
          ))
        }
      </QueryTable>
      <div className="flex items-center justify-end gap-2 px-4 py-2">
        <Button onClick={() => (setCursor(history.at(-1) ?? null), setHistory((h) => h.slice(0, -1)))} disabled={history.length === 0}>
          ← Previous
        </Button>
        <Button onClick={() => page.data?.next && go({ offset: Number(page.data.next) })} disabled={!page.data?.next}>
          Next →
        </Button>
      </div>
    </div>
  );
}

/** A choice of where to read (topic, partition); the caller resets the position when it changes. */
function PositionSelect<T extends string | number>({ label, value, options, onChange }: { label: string; value: T; options: T[]; onChange: (value: string) => void }) {
  // The label sits beside the select, not around it: around it, the label's text would hold every option too.
  const id = useId();
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <select id={id} className={`${inputClass} block`} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </div>
  );
}
