import type { Context } from "hono";
import type { Caller } from "../services/org-client";
import type { AppEnv } from "../env";
import { AppError } from "../errors";

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** The request's `Idempotency-Key` header, if any: 1–200 visible ASCII characters. */
export function idempotencyKey(c: Context<AppEnv>): string | undefined {
  const key = c.req.header("Idempotency-Key");
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw new AppError("invalid_request", "Idempotency-Key must be 1–200 visible ASCII characters.", {
      details: [{ field: "Idempotency-Key", message: "1–200 visible ASCII characters" }],
    });
  }
  return key;
}

/** JSON with object keys sorted at every depth, so equal bodies hash equal whatever their key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * What one Idempotency-Key stands for: the method, the path with its params, and a hash of
 * the parsed body. The org object refuses the key with 409 on any other request.
 */
export async function requestFingerprint(c: Context<AppEnv>, body: unknown): Promise<string> {
  return `${c.req.method} ${c.req.path} ${await sha256Hex(canonicalJson(body))}`;
}

/** The caller of an org command: the signed-in person, with the request's key and fingerprint if it sent a key. */
export async function commandCaller(c: Context<AppEnv>, actorId: string, body: unknown = null): Promise<Caller> {
  const key = idempotencyKey(c);
  return key === undefined ? { actorId } : { actorId, idempotency: { key, fingerprint: await requestFingerprint(c, body) } };
}
