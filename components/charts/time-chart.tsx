"use client";
import { memo, useLayoutEffect, useMemo, useRef, useState } from "react";
import { ChartFigure } from "./chart-figure";
import { scheduleChartUpdate, useStaggered } from "./chart-scheduler";
import { formatCompact } from "./format";
import type { TimeChartProps } from "./time-chart-types";

export type { ChartSeries, TimeChartProps } from "./time-chart-types";

// The drawing (Recharts) is a chunk of its own, fetched when the first chart mounts (time-chart-plot.tsx).
// No React.lazy: a chart gets its width only once the chunk is there, so it never suspends, and charts
// waiting for the chunk do not all mount in one task when it arrives.
let TimeChartPlot: typeof import("./time-chart-plot").default | null = null;
let plotLoading: Promise<unknown> | null = null;
// A chunk that fails to load leaves the charts empty (their labels stay) until a later mount tries again.
const loadPlot = () =>
  (plotLoading ??= import("./time-chart-plot").then(
    (m) => (TimeChartPlot = m.default),
    () => void (plotLoading = null),
  ));

/**
 * The container's width, followed as it resizes; 0 until the drawing's code is loaded and the first
 * measurement's turn in the chart queue has come, so that a page's charts are first drawn one per task
 * rather than all in the task that hydrates the page.
 */
function useWidth(ref: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    let cancel = () => {};
    // Its first callback reports the initial size.
    const observer = new ResizeObserver((entries) => {
      const next = Math.round(entries[0].contentRect.width);
      cancel();
      let dropped = false;
      let unschedule = () => {};
      cancel = () => {
        dropped = true;
        unschedule();
      };
      void loadPlot().then(() => {
        if (!dropped) unschedule = scheduleChartUpdate(() => setWidth(next));
      });
    });
    observer.observe(el);
    return () => {
      cancel();
      observer.disconnect();
    };
  }, [ref]);
  return width;
}

/**
 * A time-series chart (Recharts) over a fixed [from, to] window: the x axis does not jump as data arrives.
 *
 * Kept cheap on a 2-core machine, where one Recharts update runs every series' selectors and re-renders
 * synchronously:
 * - each update (new data, window, series or size) waits for its own task in the chart queue
 *   (`chart-scheduler.ts`), so a range switch is several short tasks, one per chart, not one long one;
 * - axes, series and tooltip are elements made once per change of what they show: new data alone re-renders
 *   only the chart root, whose children React skips (a re-rendered Line or Area dispatches its settings to
 *   the chart's store again, and each dispatch re-runs every subscribed selector);
 * - the Tooltip is mounted only while the pointer is over the chart: its selectors do not run on updates;
 * - no animation, no dots, fixed axis sizes, x ticks given (no text measuring); one array of rows;
 * - Recharts itself is loaded after the page has hydrated (time-chart-plot.tsx).
 */
export const TimeChart = memo(function TimeChart(props: TimeChartProps) {
  const { height = 180, label, testId, empty = "No samples in this range yet." } = props;
  const incoming = useMemo(
    () => ({ data: props.data, series: props.series, from: props.from, to: props.to, yFormat: props.yFormat ?? formatCompact, referenceLine: props.referenceLine }),
    [props.data, props.series, props.from, props.to, props.yFormat, props.referenceLine],
  );
  const { data, series, from, to, yFormat, referenceLine } = useStaggered(incoming);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const [pointer, setPointer] = useState(false);

  return (
    <ChartFigure label={label} testId={testId} points={data.length} from={from} to={to} empty={empty} table={{ series, rows: data, format: yFormat }}>
      <div ref={box} style={{ height }} aria-hidden="true" onMouseEnter={() => setPointer(true)} onMouseLeave={() => setPointer(false)}>
        {width > 0 && TimeChartPlot && (
          <TimeChartPlot width={width} height={height} data={data} series={series} from={from} to={to} yFormat={yFormat} referenceLine={referenceLine} tooltip={pointer} />
        )}
      </div>
    </ChartFigure>
  );
});

