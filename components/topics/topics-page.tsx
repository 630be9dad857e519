"use client";
import { useState } from "react";
import { useTopicQuery, useTopicsQuery } from "@/lib/client/api/topics";
import { formatRate } from "@/components/charts/format";
import { cn } from "@/components/ui/cn";
import { Panel } from "@/components/ui/panel";
import { EmptyState } from "@/components/ui/states";
import { QueryTable } from "@/components/ui/query-table";
import { numeric, Td } from "@/components/ui/table";
import { formatCount } from "@/components/ui/format";

/** Topics and, for the selected one, its partitions with log start/end and throughput. */
export function TopicsPage() {
  const topics = useTopicsQuery();
  const [selected, setSelected] = useState<string | null>(null);
  const current = selected ?? topics.data?.[0]?.name ?? null;
  return (
    <div className="space-y-4">
      <h1 className="text-lg font-semibold">Topics</h1>
      <div className="grid gap-4 lg:grid-cols-5">
        <Panel title="Topics" className="lg:col-span-2">
          <QueryTable
            query={topics}
            errorTitle="Could not list topics"
            empty={<EmptyState title="No topics" />}
            label="Topics"
            columns={["Topic", numeric("Partitions"), numeric("Records")]}
          >
            {(data) =>
              data.map((t) => (
                <tr key={t.name} className={cn(t.name === current && "bg-sky-50")} data-testid="topic-row">
                  <Td className="max-w-64">
                    <button
                      type="button"
                      onClick={() => setSelected(t.name)}
                      aria-pressed={t.name === current}
                      className="text-left font-medium break-all text-sky-800 hover:underline"
                    >
                      {t.name}
                    </button>
                  </Td>
                  <Td numeric>{t.partitions}</Td>
                  <Td numeric>{formatCount(t.records)}</Td>
                </tr>
              ))
            }
          </QueryTable>
        </Panel>
        <div className="lg:col-span-3">{current ? <TopicPartitions topic={current} /> : null}</div>
      </div>
    </div>
  );
}

function TopicPartitions({ topic }: { topic: string }) {
  const detail = useTopicQuery(topic);
  return (
    <Panel
      title={<span className="break-all">{topic}</span>}
      actions={detail.data && <span className="num text-xs text-slate-500">{formatRate(detail.data.recordsPerSec)} over the last minute</span>}
    >
      <QueryTable
        query={detail}
        errorTitle="Could not read the topic"
        label={`Partitions of ${topic}`}
        columns={["Partition", numeric("Log start"), numeric("Log end"), numeric("Records"), numeric("Records/s")]}
      >
        {(data) =>
          data.partitions.map((p) => (
            <tr key={p.partition} data-testid="topic-partition-row">
              <Td className="num">{p.partition}</Td>
              <Td numeric className="text-slate-500">{formatCount(p.logStartOffset)}</Td>
              <Td numeric>{formatCount(p.logEndOffset)}</Td>
              <Td numeric>{formatCount(p.records)}</Td>
              <Td numeric>{formatRate(p.recordsPerSec)}</Td>
            </tr>
          ))
        }
      </QueryTable>
    </Panel>
  );
}
