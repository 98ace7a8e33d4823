import { betterAuth } from "better-auth/minimal";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import type { Config } from "../config";
import { createDb } from "../db/client";
import * as schema from "../db/schema";
import { authSchemaOptions } from "./options";

export const COOKIE_PREFIX = "cohort";
/** A session lasts a week from its last extension… */
export const SESSION_TTL_SECONDS = 7 * 24 * 60 * 60;
/** …and is extended (with its cookie) at most once a day while it is used. */
export const SESSION_UPDATE_AGE_SECONDS = 24 * 60 * 60;
const SESSION_COOKIE = "session_token";

/** The session cookie's name as better-auth writes it (`__Secure-` outside local dev). */
export function sessionCookieName(config: Config): string {
  return `${config.isDevelopment ? "" : "__Secure-"}${COOKIE_PREFIX}.${SESSION_COOKIE}`;
}

/**
 * better-auth for one origin. Only its email sign-up, sign-in and sign-out endpoints are
 * reachable (routes/auth.ts); sessions are read by our own one-query lookup.
 */
export function createAuth(env: Env, config: Config, origin: string) {
  return betterAuth({
    ...authSchemaOptions,
    appName: "Cohort",
    secret: config.authSecret,
    baseURL: origin,
    basePath: "/api/auth",
    trustedOrigins: [origin],
    session: { expiresIn: SESSION_TTL_SECONDS, updateAge: SESSION_UPDATE_AGE_SECONDS },
    database: drizzleAdapter(createDb(env.DB), { provider: "sqlite", schema }),
    // Our throttles are exact and shared (Durable Objects); better-auth's are per isolate.
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    advanced: {
      cookiePrefix: COOKIE_PREFIX,
      useSecureCookies: !config.isDevelopment,
      ipAddress: { ipAddressHeaders: ["cf-connecting-ip"] },
    },
  });
}

export type Auth = ReturnType<typeof createAuth>;
