/**
 * Whether this process has seen sign-in turned on (a configured password, or users in the database),
 * shared through globalThis with proxy.ts, which must not load Prisma. Never set back: a process that
 * once required sign-in keeps requiring it. Where proxy.ts runs in another context and cannot see it, it
 * falls back to the stricter local-mode Host check.
 */
const holder = globalThis as unknown as { tidemarkAuthenticated?: boolean };

export function markAuthenticated(): void {
  holder.tidemarkAuthenticated = true;
}

export function seenAuthenticated(): boolean {
  return holder.tidemarkAuthenticated === true;
}
