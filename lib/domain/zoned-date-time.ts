/**
 * An ISO-8601 date-time that names its time zone (`Z` or an offset such as `+01:00`). Without one,
 * JavaScript reads the text in the server's own zone, so the same request would mean different instants
 * on different servers: such times are refused rather than guessed.
 */
const ZONED_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

export function isZonedDateTime(text: string): boolean {
  return ZONED_DATE_TIME.test(text.trim()) && !Number.isNaN(Date.parse(text));
}
