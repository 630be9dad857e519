/** Channel secrets out of sight: webhook URLs shown by origin only, secrets scrubbed from messages that may be stored or shown. */

export const MASK = "••••••";

/** A webhook URL's origin only: the path and query of Slack, Teams and WeCom URLs are the secret. */
export function maskUrl(url: string): string {
  try {
    return `${new URL(url).origin}/${MASK}`;
  } catch {
    return MASK;
  }
}

/**
 * The parts of a channel's secret that may show up on their own in an error: a webhook endpoint's reply often
 * echoes the request path ("Cannot POST /services/T0/B0/<token>"), and the token or key is one path segment
 * or query value of it.
 */
export function secretParts(secret: string): string[] {
  const parts = [secret];
  let url: URL;
  try {
    url = new URL(secret);
  } catch {
    return parts;
  }
  if (url.pathname.length > 1) parts.push(url.pathname + url.search, url.pathname);
  if (url.search.length > 1) parts.push(url.search, url.search.slice(1));
  for (const segment of url.pathname.split("/")) if (segment.length >= 12) parts.push(segment, decodeURIComponent(segment));
  for (const value of url.searchParams.values()) if (value.length >= 12) parts.push(value, encodeURIComponent(value));
  return parts;
}

/** Removes secrets (and their parts: secretParts) and any URL's path and query from a message that may be stored or shown. */
export function scrub(message: string, secrets: string[]): string {
  let out = message;
  const parts = [...new Set(secrets.flatMap(secretParts))].sort((a, b) => b.length - a.length); // longest first
  for (const s of parts) if (s.length >= 4) out = out.split(s).join("[secret]");
  return out.replace(/\b(https?:\/\/[^/\s"'<>]+)[^\s"'<>]*/g, "$1/…").slice(0, 500);
}
