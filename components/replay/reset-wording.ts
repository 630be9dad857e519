import type { ReprocessingEffect } from "@/lib/contracts/resets";
import { formatCount } from "@/components/ui/format";

/** What keeping results means when records are read again, per processor (it declares it). */
export const keepHint: Record<ReprocessingEffect, string> = {
  "added-again": "records read again are counted again",
  replaced: "records read again replace their stored rows, not duplicated",
  "sent-again": "records read again are sent to the target topic again",
  unknown: "records read again are processed again on top of them",
};

export function reprocessedSentence(n: number, effect: ReprocessingEffect): string {
  const records = `${formatCount(n)} record${n === 1 ? "" : "s"} will be processed again`;
  switch (effect) {
    case "added-again":
      return `${records}, and counted again in the results you keep.`;
    case "replaced":
      return `${records}; the rows stored for them are replaced, so nothing is stored twice.`;
    case "sent-again":
      return `${records} and sent to the target topic again: its readers get them twice unless they de-duplicate on the tidemark.source header.`;
    case "unknown":
      return `${records}, on top of the results you keep.`;
  }
}
