// Only for scripts/bench/lag-ui.ts until it imports lag-ranges.ts directly; then this file goes.
export { lagRanges } from "./lag-ranges";
