/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Without authentication the dashboard may only listen on loopback: anyone who reaches the port
 * could stop jobs and rewind offsets. Returns the refusal message, or null when it is safe.
 */
export function bindRefusal(host: string, authConfigured: boolean): string | null {
  if (authConfigured || isLoopbackHost(host)) return null;
  return (
    `Refusing to listen on ${host} without authentication: anyone who can reach this port could stop jobs and rewind offsets.\n` +
    `Set TIDEMARK_ADMIN_PASSWORD (or TIDEMARK_ADMIN_PASSWORD_HASH) to turn on sign-in, or listen on 127.0.0.1 (HOST=127.0.0.1).`
  );
}
