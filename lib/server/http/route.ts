import "server-only";
import { NextResponse } from "next/server";
import { z, ZodError, type ZodType } from "zod";
import type { ApiErrorBody } from "@/lib/contracts/errors";
import { localHostRefusal } from "@/lib/domain/bind-address";
import { requiredRoleForMethod, roleAtLeast, type Role } from "@/lib/domain/roles";
import { authenticate, isSameOrigin, originMismatch } from "../auth/authenticate";
import { ANONYMOUS, type Principal } from "../auth/principal";
import { authMode } from "../auth/auth-mode";
import { web } from "../web-context";
import { AppError } from "./app-error";
import { routeContext, type RouteContext } from "./route-context";

const MAX_BODY_BYTES = 64 * 1024;

type Params = Record<string, string>;

/** What a handler gets: the request, its awaited params, who asks, and what services need (route-context.ts). */
export interface RouteRequest<P extends Params> {
  req: Request;
  params: P;
  principal: Principal;
  ctx: RouteContext;
}
type Handler<P extends Params> = (request: RouteRequest<P>) => Promise<unknown>;

export interface RouteOptions {
  /** Success status (default 200). */
  status?: number;
  /** Least role allowed; default: viewer for reads, operator for changes. "public" skips sign-in. */
  role?: Role | "public";
}

/**
 * Every route handler goes through here: it checks who is asking and whether they may, awaits
 * params, turns the handler's result into JSON and every failure into
 * `{"error":{"code","message","details"}}` with a fitting status, never a stack trace.
 */
export function route<P extends Params = Params>(handler: Handler<P>, opts: RouteOptions = {}) {
  return async (req: Request, segment: { params: Promise<P> }): Promise<Response> => {
    try {
      // Local mode: only requests addressed to this machine (DNS rebinding; pages: proxy.ts).
      const hostRefusal = (await authMode(web().db)) === "authenticated" ? null : localHostRefusal(req.headers.get("host"));
      if (hostRefusal) throw new AppError("HOST_NOT_ALLOWED", hostRefusal, { host: req.headers.get("host") });
      const principal = await authorize(req, opts.role ?? requiredRoleForMethod(req.method));
      const params = segment?.params ? await segment.params : ({} as P);
      const result = await handler({ req, params, principal, ctx: routeContext(principal) });
      if (result instanceof Response) return result;
      return NextResponse.json(result ?? null, { status: opts.status ?? 200 });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

export function errorResponse(error: unknown): Response {
  // `details` is always there: null, or what the code documents (README "API").
  const body = (code: string, message: string, details: unknown = null): ApiErrorBody => ({ error: { code, message, details: details ?? null } });
  if (error instanceof AppError) {
    const response = NextResponse.json(body(error.code, error.message, error.details), { status: error.status });
    // A throttled sign-in says when to come back in the standard header too (RFC 9110).
    const retryAfter = (error.details as { retryAfterSeconds?: unknown } | null)?.retryAfterSeconds;
    if (error.status === 429 && typeof retryAfter === "number") response.headers.set("Retry-After", String(retryAfter));
    return response;
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
    const message = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
    return NextResponse.json(body("VALIDATION_FAILED", message, issues), { status: 400 });
  }
  console.error("[tidemark] request failed", error);
  return NextResponse.json(body("INTERNAL", "internal error; see the server log"), { status: 500 });
}

/** Parses a JSON body with a size limit and a schema. */
export async function readJson<S extends ZodType>(req: Request, schema: S): Promise<z.output<S>> {
  const text = await readBodyText(req, MAX_BODY_BYTES);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", "request body is not valid JSON");
  }
  return schema.parse(json);
}

/**
 * For changes that take no body (start, stop, delete, …): nothing, whitespace or `{}` only. A body
 * with fields means the client expected an endpoint that reads them: refusing it beats doing
 * something other than what was asked.
 */
export async function readNoBody(req: Request): Promise<void> {
  const text = await readBodyText(req, MAX_BODY_BYTES);
  if (text.trim() === "") return;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("INVALID_JSON", "request body is not valid JSON (this request takes no body)");
  }
  noBodySchema.parse(json);
}

const noBodySchema = z.strictObject({}, { error: "this request takes no body (or an empty object)" });

/**
 * The body as UTF-8 text, read as a stream and abandoned as soon as it passes `limit` bytes: a
 * chunked upload has no Content-Length to check up front, and req.text() would buffer all of it.
 */
export async function readBodyText(req: Request, limit: number): Promise<string> {
  const tooLarge = () => new AppError("PAYLOAD_TOO_LARGE", `request body is larger than ${limit} bytes`, { limitBytes: limit });
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > limit) throw tooLarge();
  if (!req.body) return "";
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      void discardThenCancel(reader);
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString("utf8");
}

/** Past the limit a body is read on and thrown away, up to this much more or this long, then the connection is cut. */
const DISCARD_BYTES = 1024 * 1024;
const DISCARD_MS = 5000;

/**
 * The rest of a refused body: discarding a little more lets a client that is still sending read its
 * 413; beyond that, cancelling the stream closes the connection, so a huge or endless upload costs
 * neither memory nor a connection for long. (Not reading at all would not do: Next.js queues the
 * request's chunks for the handler as they arrive.)
 */
async function discardThenCancel(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  const timer = setTimeout(() => void reader.cancel().catch(() => {}), DISCARD_MS);
  timer.unref?.();
  try {
    for (let discarded = 0; discarded <= DISCARD_BYTES; ) {
      const { done, value } = await reader.read();
      if (done) return;
      discarded += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // cancelled by the timer, or the client went away
  } finally {
    clearTimeout(timer);
  }
}

/** Parses URL query parameters with a schema. */
export function readQuery<S extends ZodType>(req: Request, schema: S): z.output<S> {
  return schema.parse(Object.fromEntries(new URL(req.url).searchParams));
}

async function authorize(req: Request, required: Role | "public"): Promise<Principal> {
  const mutating = !["GET", "HEAD", "OPTIONS"].includes(req.method);
  // A browser names the page that sent a write: one from another site is refused before anything
  // else, sign-in included (login CSRF would sign the victim in as the attacker).
  if (mutating && originMismatch(req)) {
    throw new AppError("CROSS_ORIGIN", "cross-origin request refused: the Origin header does not match this server");
  }
  const principal = await authenticate(req, web().db);
  if (required === "public") return principal ?? ANONYMOUS;
  if (!principal) throw new AppError("UNAUTHENTICATED", "sign in, or send an API token as 'Authorization: Bearer …'");
  if (mutating && !isSameOrigin(req, principal)) {
    throw new AppError("CROSS_ORIGIN", "cross-origin request refused: the Origin header does not match this server");
  }
  if (!roleAtLeast(principal.role, required)) {
    throw new AppError("FORBIDDEN", `this needs the ${required} role; you are signed in as ${principal.role}`);
  }
  return principal;
}
