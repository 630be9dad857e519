/** How a range read fails: errors kafka-log.ts and the runtime tell apart. */

/** The broker does not return records the plan saw below the log end: the range cannot be read as planned. */
export class RangeUnreadableError extends Error {
  readonly code = "RANGE_UNREADABLE";
  constructor(message: string) {
    super(`RANGE_UNREADABLE: ${message}`);
    this.name = "RangeUnreadableError";
  }
}

/** Thrown past the fetch retries: an error of decoding, of the caller's record handler, or a proven-bad range. */
export class DeliveryError extends Error {
  constructor(readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
