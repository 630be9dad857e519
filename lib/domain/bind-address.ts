/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "")
    .replace(/^::ffff:/, ""); // an IPv4-mapped IPv6 address, as a dual-stack socket reports it
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** What `next start` / `next dev` listen on when no -H/--hostname is given (node_modules/next/dist/bin/next). */
export const NEXT_DEFAULT_HOSTNAME = "0.0.0.0";

/**
 * The address Next's CLI listens on, read from its arguments as its parser (commander) reads them:
 * `-H x`, `-Hx`, `--hostname x` or `--hostname=x`, the last one winning (`-H=x` means "=x", which
 * Next then fails to resolve); without any, Next's own default, 0.0.0.0. HOST is not read here:
 * Next ignores it (`npm start` passes it as -H).
 */
export function nextListenHost(argv: readonly string[]): string {
  let host: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") break;
    if (arg === "-H" || arg === "--hostname") host = argv[++i];
    else if (arg.startsWith("--hostname=")) host = arg.slice("--hostname=".length);
    else if (arg.startsWith("-H")) host = arg.slice(2); // "-Hhost", as commander takes it
  }
  return host || NEXT_DEFAULT_HOSTNAME;
}

/**
 * The host name of a Host header ("127.0.0.1:3000" → "127.0.0.1", "[::1]:3000" → "::1"), or null
 * when the header is missing or malformed.
 */
export function hostHeaderName(header: string | null | undefined): string | null {
  if (!header) return null;
  const m = header.trim().match(/^\[([0-9a-fA-F:.]+)\](?::\d{1,5})?$/) ?? header.trim().match(/^([^:[\]\s/@]+)(?::\d{1,5})?$/);
  return m ? m[1].toLowerCase() : null;
}

/**
 * In local mode a request must name this machine in its Host header. A web page on another site
 * could otherwise point its own DNS name at 127.0.0.1 (DNS rebinding) and drive the dashboard
 * from the user's browser as same-origin. Returns the refusal message, or null when allowed.
 */
export function localHostRefusal(hostHeader: string | null | undefined): string | null {
  const name = hostHeaderName(hostHeader);
  if (name && isLoopbackHost(name)) return null;
  return (
    `This Tidemark runs in local mode (no sign-in) and answers only requests addressed to localhost, 127.0.0.1 or [::1]; ` +
    `this one was addressed to '${hostHeader ?? ""}'. Open it as http://localhost:<port>, or set TIDEMARK_ADMIN_PASSWORD to turn on sign-in.`
  );
}

/**
 * Without authentication the dashboard may only listen on loopback: anyone who reaches the port
 * could stop jobs and rewind offsets. Returns the refusal message, or null when it is safe.
 */
export function bindRefusal(host: string, authConfigured: boolean): string | null {
  if (authConfigured || isLoopbackHost(host)) return null;
  const everywhere = host === "0.0.0.0" || host === "::" ? " (that is, on every network interface)" : "";
  return (
    `Refusing to listen on ${host} without authentication${everywhere}: anyone who can reach this port could stop jobs and rewind offsets.\n` +
    `Set TIDEMARK_ADMIN_PASSWORD (or TIDEMARK_ADMIN_PASSWORD_HASH) to turn on sign-in, or listen on 127.0.0.1 ` +
    `(npm start: HOST=127.0.0.1; next start / next dev: -H 127.0.0.1).`
  );
}
