"use client";
import { useId, useState } from "react";
import type { TopicDto } from "@/lib/contracts/jobs";
import { formatCount } from "@/components/ui/format";

/** From this many topics on, a filter box comes first: a cluster of hundreds is not scrolled or tabbed through. */
const FILTER_FROM = 9;

/**
 * The topics a job reads, as checkboxes. Filtering narrows the list by name (any part, any case); the
 * topics already chosen stay in it, so they can always be seen and unchecked (and checked again).
 */
export function TopicPicker({ topics, selected, onChange }: { topics: TopicDto[]; selected: string[]; onChange: (next: string[]) => void }) {
  const [filter, setFilter] = useState("");
  // The topics chosen when the filter last changed stay listed until it changes again, even once unchecked.
  const [kept, setKept] = useState<string[]>([]);
  const filterId = useId();
  const listId = useId();
  const needle = filter.trim().toLowerCase();
  const shown = needle === "" ? topics : topics.filter((t) => t.name.toLowerCase().includes(needle) || selected.includes(t.name) || kept.includes(t.name));
  const toggle = (name: string, checked: boolean) => onChange(checked ? [...selected, name] : selected.filter((t) => t !== name));

  return (
    <>
      {topics.length >= FILTER_FROM && (
        <div className="mt-1.5 flex items-center gap-2">
          <label htmlFor={filterId} className="sr-only">
            Filter topics
          </label>
          <input
            id={filterId}
            type="search"
            placeholder="Filter topics"
            aria-controls={listId}
            value={filter}
            onChange={(e) => {
              setFilter(e.target.value);
              setKept(selected);
            }}
            className="block w-full rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm shadow-xs focus:border-sky-600"
          />
          <span aria-live="polite" className="num shrink-0 text-xs text-slate-500">
            {needle === "" ? `${formatCount(topics.length)} topics` : `${formatCount(shown.length)} of ${formatCount(topics.length)}`}
            {selected.length > 0 ? `, ${formatCount(selected.length)} chosen` : ""}
          </span>
        </div>
      )}
      <div id={listId} className="mt-1.5 grid max-h-48 grid-cols-2 gap-1 overflow-y-auto rounded-md border border-slate-200 p-2">
        {shown.length === 0 ? (
          <p className="col-span-2 px-1.5 py-1 text-sm text-slate-500">No topic name contains “{filter.trim()}”.</p>
        ) : (
          shown.map((topic) => (
            <label key={topic.name} className="flex items-center gap-2 rounded px-1.5 py-1 text-sm hover:bg-slate-50">
              <input type="checkbox" name="topics" value={topic.name} checked={selected.includes(topic.name)} onChange={(e) => toggle(topic.name, e.target.checked)} />
              <span className="truncate">{topic.name}</span>
              <span className="num ml-auto text-xs text-slate-400">{topic.partitions}p</span>
            </label>
          ))
        )}
      </div>
    </>
  );
}
