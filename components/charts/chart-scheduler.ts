"use client";
import { useEffect, useState } from "react";
import { flushSync } from "react-dom";

/**
 * Chart updates, one per task. A Recharts chart applies new data through its store: the update dispatches,
 * every series' selectors run again and the chart re-renders, all synchronously. One range switch updates
 * seven charts on the job page (three queries answer, the batch query feeds four charts), and a page load
 * mounts them all: in one task that was 250–650 ms of main thread on this project's 2-core machine. Queued
 * here, each chart's update is its own task (a MessageChannel message, not a 4 ms-clamped timer), so the
 * browser paints and handles input between charts, and the longest task is one chart's update.
 */

type Job = () => void;

export interface ChartQueue {
  /** Runs `job` in a task of its own, after the jobs queued before it; returns a function that drops it if it has not run. */
  schedule(job: Job): () => void;
}

/** A queue that runs one job per `post`ed callback. `post` is injected so tests can drive it. */
export function createChartQueue(post: (run: () => void) => void): ChartQueue {
  const jobs = new Set<Job>();
  let posted = false;
  const run = () => {
    posted = false;
    const [job] = jobs;
    if (!job) return;
    jobs.delete(job);
    if (jobs.size > 0) request(); // before the job, so a throwing job does not stall the queue
    job();
  };
  const request = () => {
    if (posted) return;
    posted = true;
    post(run);
  };
  return {
    schedule(job) {
      // A fresh function per call: the same job queued twice runs twice.
      const entry: Job = () => job();
      jobs.add(entry);
      request();
      return () => void jobs.delete(entry);
    },
  };
}

function messagePost(): (run: () => void) => void {
  if (typeof MessageChannel === "undefined") return (run) => setTimeout(run, 0);
  const channel = new MessageChannel();
  let next: (() => void) | null = null;
  channel.port1.onmessage = () => next?.();
  return (run) => {
    next = run;
    channel.port2.postMessage(null);
  };
}

let browserQueue: ChartQueue | null = null;
const queue = () => (browserQueue ??= createChartQueue(messagePost()));

/** Runs `job` (a state update of one chart) in its own task, rendered synchronously there; returns a cancel function. */
export function scheduleChartUpdate(job: () => void): () => void {
  return queue().schedule(() => flushSync(job));
}

/**
 * `value` as the chart should show it: the first value at once, each later one in a task of its own (see
 * above). A value replaced before its turn is skipped.
 */
export function useStaggered<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    return scheduleChartUpdate(() => setShown(() => value));
  }, [value, shown]);
  return shown;
}
