import { Hono, type Context } from "hono";
import { createAuth } from "../auth/better-auth";
import { loadConfig } from "../config";
import { emptyBodySchema, signInSchema, signUpSchema } from "../domain/account";
import { THROTTLES, type ThrottleDecision } from "../domain/throttle";
import { throttleFor } from "../durable/throttle-client";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { clientAddress } from "./client-address";
import { jsonBody } from "./json-body";
import { requirePrincipal } from "../middleware/require";

interface AuthUserBody {
  user?: { id: string; email: string; username?: string | null; name: string };
  code?: string;
  message?: string;
}

function authFor(c: Context<AppEnv>) {
  const config = loadConfig(c.env);
  return createAuth(c.env, config, config.pinnedOrigin ?? new URL(c.req.url).origin);
}

function refuseIfThrottled(decision: ThrottleDecision): asserts decision is Extract<ThrottleDecision, { allowed: true }> {
  if (!decision.allowed) {
    throw new AppError("rate_limited", undefined, { retryAfterSeconds: decision.retryAfterSeconds });
  }
}

/** Answers with our own body, keeping only the cookies better-auth set. */
function withCookies(c: Context<AppEnv>, from: Response, body: unknown, status: 200 | 201) {
  for (const cookie of from.headers.getSetCookie()) c.header("Set-Cookie", cookie, { append: true });
  return c.json(body, status);
}

/**
 * Calls better-auth for a Response. Some of its plugins throw an APIError (status and body)
 * instead of answering; both end up as the same Response here.
 */
async function callAuth(call: () => Promise<Response>): Promise<{ response: Response; answer: AuthUserBody }> {
  try {
    const response = await call();
    return { response, answer: (await response.json()) as AuthUserBody };
  } catch (error) {
    if (error instanceof Error && "statusCode" in error && typeof error.statusCode === "number" && "body" in error) {
      return { response: new Response(null, { status: error.statusCode }), answer: (error.body ?? {}) as AuthUserBody };
    }
    throw error;
  }
}

function publicUser(user: NonNullable<AuthUserBody["user"]>) {
  return { id: user.id, email: user.email, username: user.username ?? "", name: user.name };
}

/** Maps better-auth's error answers onto the contract's closed set of codes. */
function authFailure(status: number, body: AuthUserBody): AppError {
  const code = body.code ?? "";
  if (/ALREADY_EXISTS|ALREADY_TAKEN/.test(code)) {
    return new AppError("conflict", /USERNAME/.test(code) ? "That username is taken." : "An account with that email already exists.");
  }
  if (status === 401) return new AppError("unauthenticated", "The email or password is wrong.");
  if (status === 400 || status === 422) return new AppError("invalid_request", body.message ?? undefined);
  return new AppError("internal", undefined, { cause: new Error(`better-auth answered ${status} ${code}`) });
}

export const authRoutes = new Hono<AppEnv>()
  .post("/sign-up/email", async (c) => {
    const body = await jsonBody(c, signUpSchema);
    const addressThrottle = throttleFor(c.env, THROTTLES.signUpPerAddress, clientAddress(c));
    const decision = await addressThrottle.reserve();
    refuseIfThrottled(decision);
    const { response, answer } = await callAuth(() =>
      authFor(c).api.signUpEmail({ body: { ...body, displayUsername: body.username }, headers: c.req.raw.headers, asResponse: true }),
    );
    if (!response.ok || !answer.user) {
      // Only new accounts count against the address.
      await addressThrottle.forgive(decision.ticket);
      throw authFailure(response.status, answer);
    }
    return withCookies(c, response, { user: publicUser(answer.user) }, 201);
  })
  .post("/sign-in/email", async (c) => {
    const body = await jsonBody(c, signInSchema);
    const accountThrottle = throttleFor(c.env, THROTTLES.signInPerAccount, body.email);
    const decision = await accountThrottle.reserve();
    refuseIfThrottled(decision);
    const { response, answer } = await callAuth(() =>
      authFor(c).api.signInEmail({ body, headers: c.req.raw.headers, asResponse: true }),
    );
    if (!response.ok || !answer.user) {
      // The reserved attempt stays counted: it was a failure.
      throw response.status === 401 || response.status === 400 ? new AppError("unauthenticated", "The email or password is wrong.") : authFailure(response.status, answer);
    }
    await accountThrottle.forgive(decision.ticket);
    return withCookies(c, response, { user: publicUser(answer.user) }, 200);
  })
  .post("/sign-out", async (c) => {
    const principal = requirePrincipal(c);
    if (principal.via !== "cookie") throw new AppError("invalid_request", "Sign-out ends a browser session; delete an API token instead.");
    await jsonBody(c, emptyBodySchema);
    const { response, answer } = await callAuth(() => authFor(c).api.signOut({ headers: c.req.raw.headers, asResponse: true }));
    if (!response.ok) throw authFailure(response.status, answer);
    return withCookies(c, response, { ok: true }, 200);
  });
