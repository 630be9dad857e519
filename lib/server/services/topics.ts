import type { TopicDto } from "@/lib/contracts/jobs";
import type { KafkaLog } from "@/lib/domain/ports";
import { AppError } from "../http/app-error";
import { asKafkaUnavailable } from "./kafka-errors";

/** Topics with partition counts and record counts, internal topics left out. */
export async function listTopics(log: KafkaLog): Promise<TopicDto[]> {
  try {
    const names = (await log.topicNames()).filter((n) => !n.startsWith("__")).sort();
    if (names.length === 0) return [];
    const offsets = await log.logOffsets(names);
    return names.map((name) => {
      const parts = offsets.filter((o) => o.topic === name);
      return {
        name,
        partitions: parts.length,
        records: parts.reduce((sum, p) => sum + (p.logEndOffset - p.logStartOffset), 0),
      };
    });
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
}

/** Throws UNKNOWN_TOPIC naming every topic of the list that does not exist. */
export async function assertTopicsExist(log: KafkaLog, topics: string[]): Promise<void> {
  let existing: Set<string>;
  try {
    existing = new Set(await log.topicNames());
  } catch (error) {
    throw asKafkaUnavailable(error);
  }
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    throw new AppError("UNKNOWN_TOPIC", `unknown topic${missing.length > 1 ? "s" : ""}: ${missing.join(", ")}`, { missing });
  }
}
