"use client";
import { useState } from "react";
import { useTopicQuery, useTopicsQuery } from "@/lib/client/api/topics";
import { formatRate } from "@/components/charts/format";
import { cn } from "@/components/ui/cn";
import { Panel } from "@/components/ui/panel";
import { EmptyState, ErrorState, Loading } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
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
          {topics.isPending ? (
            <Loading />
          ) : topics.isError ? (
            <ErrorState error={topics.error} title="Could not list topics" />
          ) : topics.data.length === 0 ? (
            <EmptyState title="No topics" />
          ) : (
            <Table aria-label="Topics">
              <thead>
                <tr>
                  <Th>Topic</Th>
                  <Th numeric>Partitions</Th>
                  <Th numeric>Records</Th>
                </tr>
              </thead>
              <tbody>
                {topics.data.map((t) => (
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
                ))}
              </tbody>
            </Table>
          )}
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
      {detail.isPending ? (
        <Loading />
      ) : detail.isError ? (
        <ErrorState error={detail.error} title="Could not read the topic" />
      ) : (
        <Table aria-label={`Partitions of ${topic}`}>
          <thead>
            <tr>
              <Th>Partition</Th>
              <Th numeric>Log start</Th>
              <Th numeric>Log end</Th>
              <Th numeric>Records</Th>
              <Th numeric>Records/s</Th>
            </tr>
          </thead>
          <tbody>
            {detail.data.partitions.map((p) => (
              <tr key={p.partition} data-testid="topic-partition-row">
                <Td className="num">{p.partition}</Td>
                <Td numeric className="text-slate-500">{formatCount(p.logStartOffset)}</Td>
                <Td numeric>{formatCount(p.logEndOffset)}</Td>
                <Td numeric>{formatCount(p.records)}</Td>
                <Td numeric>{formatRate(p.recordsPerSec)}</Td>
              </tr>
            ))}
          </tbody>
        </Table>
      )}
    </Panel>
  );
}
