/**
 * Deletes what `ids()` names, chunk by chunk, until a chunk comes back short or `signal` aborts; returns
 * how many rows went. Each chunk is a short write, and between chunks a waiting batch commit or web write
 * goes first. No cursor is needed: what a chunk deletes is gone from the next `ids()`.
 */
export async function deleteInChunks<Id>(chunkSize: number, signal: AbortSignal | undefined, ids: () => Promise<Id[]>, remove: (ids: Id[]) => Promise<number>): Promise<number> {
  let deleted = 0;
  while (!signal?.aborted) {
    const chunk = await ids();
    if (chunk.length > 0) deleted += await remove(chunk);
    if (chunk.length < chunkSize) break;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return deleted;
}
