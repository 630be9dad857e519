/**
 * One page of a list read as `limit + 1` rows: the extra row only tells that more follow, and `next` is
 * the cursor of the page's last row (what the caller passes back as `before`/`after`).
 */
export function cutPage<R, C = string>(rows: readonly R[], limit: number, cursorOf: (last: R) => C): { rows: R[]; next: C | null } {
  const page = rows.slice(0, limit);
  return { rows: page, next: rows.length > limit && page.length > 0 ? cursorOf(page[page.length - 1]) : null };
}

/** Fetches `limit + 1` rows with `fetch(take)` and cuts them to a page (cutPage). */
export async function page<R, C = string>(limit: number, fetch: (take: number) => Promise<readonly R[]>, cursorOf: (last: R) => C): Promise<{ rows: R[]; next: C | null }> {
  return cutPage(await fetch(limit + 1), limit, cursorOf);
}
