import type { z } from "zod";
import type { Config } from "../config";
import type { signInSchema, signUpSchema } from "../domain/account";
import { THROTTLES, type ThrottleDecision } from "../domain/throttle";
import { throttleFor } from "../services/throttle-client";
import { AppError } from "../errors";
import { createAuth } from "./better-auth";

/**
 * Sign-up, sign-in and sign-out, shared by the JSON API (routes/auth.ts) and the pages
 * (routes/pages/account-pages.tsx): the throttles, the better-auth call and the mapping of
 * its answers onto our error codes live here once.
 */

export interface PublicUser {
  id: string;
  email: string;
  username: string;
  name: string;
}

/** What a successful call yields: the user and the Set-Cookie headers better-auth wrote. */
export interface AccountResult {
  user: PublicUser;
  setCookies: string[];
}

/** A taken email or username; `field` says which, so a form can show it next to the field. */
export class AccountConflict extends AppError {
  readonly field: "email" | "username";

  constructor(field: "email" | "username") {
    super("conflict", field === "username" ? "That username is taken." : "An account with that email already exists.");
    this.field = field;
  }
}

interface AuthUserBody {
  user?: { id: string; email: string; username?: string | null; name: string };
  code?: string;
  message?: string;
}

/** What better-auth needs of the request: the configuration, the app's own origin and the headers (the session cookie). */
export interface AuthRequest {
  config: Config;
  origin: string;
  headers: Headers;
}

function authFor(env: Env, request: AuthRequest) {
  return createAuth(env, request.config, request.origin);
}

function refuseIfThrottled(decision: ThrottleDecision): asserts decision is Extract<ThrottleDecision, { allowed: true }> {
  if (!decision.allowed) {
    throw new AppError("rate_limited", undefined, { retryAfterSeconds: decision.retryAfterSeconds });
  }
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

function publicUser(user: NonNullable<AuthUserBody["user"]>): PublicUser {
  return { id: user.id, email: user.email, username: user.username ?? "", name: user.name };
}

/** Maps better-auth's error answers onto the contract's closed set of codes. */
function authFailure(status: number, body: AuthUserBody): AppError {
  const code = body.code ?? "";
  if (/ALREADY_EXISTS|ALREADY_TAKEN/.test(code)) return new AccountConflict(/USERNAME/.test(code) ? "username" : "email");
  if (status === 401) return new AppError("unauthenticated", "The email or password is wrong.");
  if (status === 400 || status === 422) return new AppError("invalid_request", body.message ?? undefined);
  return new AppError("internal", undefined, { cause: new Error(`better-auth answered ${status} ${code}`) });
}

/** `clientAddress` is the address the sign-up counts against (routes/client-address.ts). */
export async function signUpAccount(
  env: Env,
  request: AuthRequest,
  input: z.output<typeof signUpSchema>,
  clientAddress: string,
): Promise<AccountResult> {
  const addressThrottle = throttleFor(env, THROTTLES.signUpPerAddress, clientAddress);
  const decision = await addressThrottle.reserve();
  refuseIfThrottled(decision);
  const { response, answer } = await callAuth(() =>
    authFor(env, request).api.signUpEmail({
      body: { ...input, displayUsername: input.username },
      headers: request.headers,
      asResponse: true,
    }),
  );
  if (!response.ok || !answer.user) {
    // Only new accounts count against the address.
    await addressThrottle.forgive(decision.ticket);
    throw authFailure(response.status, answer);
  }
  return { user: publicUser(answer.user), setCookies: response.headers.getSetCookie() };
}

export async function signInAccount(env: Env, request: AuthRequest, input: z.output<typeof signInSchema>): Promise<AccountResult> {
  const accountThrottle = throttleFor(env, THROTTLES.signInPerAccount, input.email);
  const decision = await accountThrottle.reserve();
  refuseIfThrottled(decision);
  const { response, answer } = await callAuth(() =>
    authFor(env, request).api.signInEmail({ body: input, headers: request.headers, asResponse: true }),
  );
  if (!response.ok || !answer.user) {
    // The reserved attempt stays counted: it was a failure.
    throw response.status === 401 || response.status === 400
      ? new AppError("unauthenticated", "The email or password is wrong.")
      : authFailure(response.status, answer);
  }
  await accountThrottle.forgive(decision.ticket);
  return { user: publicUser(answer.user), setCookies: response.headers.getSetCookie() };
}

/** Ends the request's session server-side; returns the Set-Cookie headers that clear it. */
export async function signOutSession(env: Env, request: AuthRequest): Promise<string[]> {
  const { response, answer } = await callAuth(() => authFor(env, request).api.signOut({ headers: request.headers, asResponse: true }));
  if (!response.ok) throw authFailure(response.status, answer);
  return response.headers.getSetCookie();
}
