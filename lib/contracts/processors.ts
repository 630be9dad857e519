import type { ReprocessingEffect } from "./resets";

/** A column of a processor's results table: `key` is the field of each result row it shows. */
export interface ResultColumnDto {
  key: string;
  label: string;
  numeric?: boolean;
}

/** GET /api/processors: built-in and folder processors alike. */
export interface ProcessorDto {
  name: string;
  description: string;
  /** "built-in", or the file of the processors folder that defines it. */
  source: string;
  /** The config's JSON Schema (zod's toJSONSchema, input side): the New job form renders its fields from it. */
  configSchema: JsonSchema;
  /** How GET /api/jobs/:id/results lists its results; null when it lists none. */
  results: { columns: ResultColumnDto[] } | null;
  reprocessing: ReprocessingEffect;
  /** Whether a replay can clear or roll back its results. */
  supports: { clear: boolean; rollback: boolean };
}

/** The part of JSON Schema the config form reads. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  [key: string]: unknown;
}

/** One row of a job's results: the fields its processor's columns name. */
export type ResultRowDto = Record<string, unknown>;
