const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

/** Imported once per secret and isolate: an import costs more than the HMAC itself. */
function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

/** HMAC-SHA256 as hex: how join codes and API tokens are stored. */
export async function keyedHash(secret: string, value: string): Promise<string> {
  const signature = await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(value));
  return Array.from(new Uint8Array(signature), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// Standard base64 of 32 bytes: 43 characters and one "=".
const SIGNATURE = /^[A-Za-z0-9+/]{43}=$/;

/** Signed strings already verified in this isolate, per secret: a signature that verified always will. */
const verified = new Map<string, Map<string, string>>();
const VERIFIED_MAX = 1_000;

/** verifySigned, remembering the last thousand strings that verified (a session's cookie is sent on every request). */
export async function verifySignedOnce(secret: string, signed: string): Promise<string | null> {
  let known = verified.get(secret);
  if (!known) {
    known = new Map();
    verified.set(secret, known);
  }
  const remembered = known.get(signed);
  if (remembered !== undefined) return remembered;
  const value = await verifySigned(secret, signed);
  if (value === null) return null;
  // Oldest first out: a Map iterates in insertion order.
  if (known.size >= VERIFIED_MAX) known.delete(known.keys().next().value!);
  known.set(signed, value);
  return value;
}

/**
 * The value of a `value.base64(HMAC-SHA256(secret, value))` string (a signed cookie, already
 * URL-decoded), or null unless the signature is well formed and verifies (in constant time).
 */
export async function verifySigned(secret: string, signed: string): Promise<string | null> {
  const dot = signed.lastIndexOf(".");
  if (dot <= 0) return null;
  const value = signed.slice(0, dot);
  const signature = signed.slice(dot + 1);
  if (!SIGNATURE.test(signature)) return null;
  const bytes = Uint8Array.from(atob(signature), (char) => char.charCodeAt(0));
  return (await crypto.subtle.verify("HMAC", await hmacKey(secret), bytes, encoder.encode(value))) ? value : null;
}
