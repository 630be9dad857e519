/**
 * The Kafka consumer group a job's offsets are mirrored to (mirrorOffsetsToKafka), so Kafka's own
 * tools and lag monitors see the job's progress. The group pages read it back to link the job.
 */
const PREFIX = "tidemark.";

export function mirrorGroupId(jobName: string): string {
  return `${PREFIX}${jobName}`;
}

/** The job a mirror group belongs to, or null when the group is not one of these. */
export function mirroredJobName(groupId: string): string | null {
  return groupId.startsWith(PREFIX) ? groupId.slice(PREFIX.length) : null;
}
