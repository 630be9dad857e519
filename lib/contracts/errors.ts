/** The error body of every API failure. `code` is stable: UIs and scripts act on it. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export const errorCodes = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  BAD_CREDENTIALS: 401,
  FORBIDDEN: 403,
  CROSS_ORIGIN: 403,
  TOO_MANY_ATTEMPTS: 429,
  USER_NAME_TAKEN: 409,
  USER_NOT_FOUND: 404,
  TOKEN_NOT_FOUND: 404,
  LAST_ADMIN: 409,
  INVALID_JSON: 400,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  JOB_NAME_TAKEN: 409,
  JOB_RUNNING: 409,
  GROUP_NOT_FOUND: 404,
  BATCH_NOT_FOUND: 404,
  TOPIC_NOT_FOUND: 404,
  UNKNOWN_TOPIC: 422,
  PAYLOAD_TOO_LARGE: 413,
  KAFKA_UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;
export type ErrorCode = keyof typeof errorCodes;
