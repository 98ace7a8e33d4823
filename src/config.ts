import { AppError } from "./errors";

/** Local-only defaults, so `npm start` needs no secret. Refused outside development. */
const DEV_AUTH_SECRET = "cohort-local-development-auth-secret-do-not-deploy";
const DEV_CODE_HASH_SECRET = "cohort-local-development-code-hash-secret-do-not-deploy";

export interface Config {
  isDevelopment: boolean;
  authSecret: string;
  codeHashSecret: string;
  /** The app's own origin when pinned by the deployment; otherwise each request's origin. */
  pinnedOrigin: string | null;
  /** The human check offered while the join-code guessing budget is spent; null when not configured. */
  turnstile: { siteKey: string; secret: string } | null;
}

/** Cloudflare's documented test keys: the widget always passes and siteverify always accepts. */
export const TURNSTILE_TEST_KEYS = { siteKey: "1x00000000000000000000AA", secret: "1x0000000000000000000000000000000AA" };

/**
 * Reads the configuration, refusing to run a deployed Worker on missing or default secrets:
 * better-auth would otherwise fall back to a built-in secret without a word.
 */
export function loadConfig(env: Env): Config {
  const isDevelopment = env.ENVIRONMENT === "development";
  const authSecret = secretOrDefault(env.AUTH_SECRET, DEV_AUTH_SECRET, isDevelopment, "AUTH_SECRET");
  const codeHashSecret = secretOrDefault(env.CODE_HASH_SECRET, DEV_CODE_HASH_SECRET, isDevelopment, "CODE_HASH_SECRET");
  return {
    isDevelopment,
    authSecret,
    codeHashSecret,
    pinnedOrigin: env.APP_ORIGIN ? env.APP_ORIGIN : null,
    turnstile: turnstileOf(env, isDevelopment),
  };
}

/** An optional secret: without it a deployment keeps the flat refusal of the lockdown (docs/join-codes.md). */
function turnstileOf(env: Env & { TURNSTILE_SECRET?: string }, isDevelopment: boolean): Config["turnstile"] {
  const siteKey = env.TURNSTILE_SITE_KEY || (isDevelopment ? TURNSTILE_TEST_KEYS.siteKey : "");
  const secret = env.TURNSTILE_SECRET || (isDevelopment ? TURNSTILE_TEST_KEYS.secret : "");
  return siteKey && secret ? { siteKey, secret } : null;
}

function secretOrDefault(value: string | undefined, devDefault: string, isDevelopment: boolean, name: string): string {
  if (isDevelopment) return value || devDefault;
  if (!value || value === devDefault || value.length < 32) {
    throw new AppError("internal", "The service is not configured.", {
      cause: new Error(`${name} must be set to a random value of at least 32 characters (wrangler secret put ${name})`),
    });
  }
  return value;
}
