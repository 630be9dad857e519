/** The Kafka cluster as Tidemark sees it, and the servers themselves: topics, records, groups, overview, instances, health, metrics. */
import { groupDetailSchema, groupSummarySchema, lagSeriesSchema, overviewSchema, rangeQuerySchema, topicDetailSchema } from "@/lib/contracts/lag";
import { instancesSchema } from "@/lib/contracts/instances";
import { recordsQuerySchema } from "@/lib/contracts/records";
import type { PathSpecs } from "./operation";

export const clusterPaths: PathSpecs = {
  "/api/topics": { get: { summary: "Topics in the cluster with partition and record counts", returns: "Topics (TopicDto)", list: true, errors: ["KAFKA_UNAVAILABLE"] } },
  "/api/topics/{topic}": {
    get: { summary: "Partitions with log start/end, records, and records/s over the last minute", returns: "TopicDetailDto", response: topicDetailSchema, errors: ["TOPIC_NOT_FOUND", "KAFKA_UNAVAILABLE"] },
  },
  "/api/topics/{topic}/partitions/{partition}/records": {
    get: {
      summary: "A page of records (from the log start, an offset, or a time), as text or hex",
      query: recordsQuerySchema,
      returns: "RecordPageDto",
      errors: ["UNKNOWN_PARTITION", "KAFKA_UNAVAILABLE", "COMPRESSION_UNSUPPORTED", "COMPRESSION_CORRUPT"],
    },
  },
  "/api/groups": { get: { summary: "Every consumer group with state, members, status, lag and ETA", returns: "Groups (GroupSummaryDto)", list: true, response: groupSummarySchema, errors: ["KAFKA_UNAVAILABLE"] } },
  "/api/groups/{group}": {
    get: { summary: "One group: state, members, status, and per partition committed / log end / lag / owner", returns: "GroupDetailDto", response: groupDetailSchema, errors: ["GROUP_NOT_FOUND", "KAFKA_UNAVAILABLE"] },
  },
  "/api/groups/{group}/lag": { get: { summary: "A group's total lag history (at most 500 points)", query: rangeQuerySchema, returns: "LagSeriesDto", response: lagSeriesSchema, errors: ["GROUP_NOT_FOUND"] } },
  "/api/overview": {
    get: { summary: "Every job with lag status, records/s, lag, time lag, ETA and a 15-minute sparkline; cluster summary", returns: "OverviewDto", response: overviewSchema },
  },
  "/api/instances": {
    get: {
      summary: "Every Tidemark instance sharing the database: host, pid, version, heartbeat, live or silent, and the jobs whose lease it holds",
      returns: "InstancesDto",
      response: instancesSchema,
    },
  },
  "/api/health": {
    get: {
      summary: "Database and Kafka reachability (503 when degraded); anonymous callers get no broker addresses",
      role: "public",
      returns: "HealthDto; the same body comes with status 503 when degraded",
    },
  },
  "/api/metrics": {
    get: {
      summary: "Prometheus text format",
      description: "Needs a viewer (scrapers send a viewer API token as a bearer token), unless the server runs with TIDEMARK_METRICS_PUBLIC=1.",
      returns: "Prometheus text exposition format",
      contentType: "text/plain; version=0.0.4",
    },
  },
  "/api/openapi.json": { get: { summary: "This OpenAPI 3.1 document", role: "public", returns: "The OpenAPI document" } },
};
