/** Where a job with no stored offset for a partition starts reading. */
export const startingOffsetsChoices = ["earliest", "latest"] as const;
export type StartingOffsets = (typeof startingOffsetsChoices)[number];

/** What a record the processor throws on does: fail the batch (and retry), or skip it into the dead letters. */
export const onErrorPolicies = ["fail", "skip"] as const;
export type OnErrorPolicy = (typeof onErrorPolicies)[number];

/** What a job does when its next offset is no longer in the log (retention deleted it). */
export const outOfRangePolicies = ["fail", "earliest", "latest"] as const;
export type OutOfRangePolicy = (typeof outOfRangePolicies)[number];
