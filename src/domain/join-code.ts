import { z } from "zod";

/** How many digits a join code has, and so how many codes there are: 10^8. */
export const CODE_DIGITS = 8;
export const CODE_SPACE = 10 ** CODE_DIGITS;
export const CODE_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const MAX_CODES_PER_REQUEST = 50;

/** Fills an array with random words; the CSPRNG in production, a seeded source only in tests. */
export type RandomSource = (array: Uint32Array) => Uint32Array;

const cryptoSource: RandomSource = (array) => crypto.getRandomValues(array);

// The largest multiple of 10^8 below 2^32: words at or above it would make the low codes
// more likely than the high ones, so they are drawn again.
const ACCEPT_BELOW = Math.floor(2 ** 32 / CODE_SPACE) * CODE_SPACE;

/** `count` codes of 8 digits each (leading zeros kept), each uniform over 00000000–99999999. */
export function generateCodes(count: number, random: RandomSource = cryptoSource): string[] {
  const codes: string[] = [];
  while (codes.length < count) {
    for (const word of random(new Uint32Array(count - codes.length))) {
      if (word < ACCEPT_BELOW) codes.push(String(word % CODE_SPACE).padStart(CODE_DIGITS, "0"));
    }
  }
  return codes;
}

/** `12345678` → `1234-5678`, as people see it. */
export function formatCode(digits: string): string {
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/** `12345678` → `••••-5678`: what lists show, never the full code. */
export function codeHint(digits: string): string {
  return `••••-${digits.slice(4)}`;
}

// ASCII only, on purpose: `\d` with the `u` or `v` flag and Number() would also take other
// scripts' digits, exponents or hex, and two spellings of one code must not exist.
const CODE_INPUT = /^[0-9]{4}-?[0-9]{4}$/;

/**
 * The 8 digits of what a person typed (`12345678`, `1234-5678`, spaces anywhere), or null
 * when it is anything else. The digits stay a string: a code is never a number.
 */
export function parseCodeInput(input: string): string | null {
  const compact = input.replaceAll(" ", "");
  if (!CODE_INPUT.test(compact)) return null;
  return compact.replace("-", "");
}

export function codeExpiry(now: number): number {
  return now + CODE_LIFETIME_MS;
}

/** Turnstile tokens are at most 2,048 characters (Cloudflare's documentation). */
export const MAX_TURNSTILE_TOKEN_LENGTH = 2048;

/** `{ code }` of POST /api/join: the body is refused as 400 unless it holds a well-formed code. */
export const redeemCodeSchema = z.strictObject({
  code: z
    .string()
    .max(64)
    .transform((input, context) => {
      const digits = parseCodeInput(input);
      if (digits === null) {
        context.addIssue({ code: "custom", message: "8 digits, like 1234-5678" });
        return z.NEVER;
      }
      return digits;
    }),
  /** Only while the guessing budget is spent (429 with `details.challenge`): docs/join-codes.md. */
  turnstileToken: z.string().min(1).max(MAX_TURNSTILE_TOKEN_LENGTH).optional(),
});

export const MAX_LABEL_LENGTH = 100;

/** How far back `?status=redeemed` lists (and how long a spent code is kept: src/domain/retention.ts). */
export const REDEEMED_LIST_MS = 90 * 24 * 60 * 60 * 1000;

/** `?status=` of the code list: live codes (the default) or those redeemed lately. */
export const codeListQuerySchema = z.object({ status: z.enum(["live", "redeemed"]).optional() });

/**
 * `{ count?, role?, labels? }`: `labels`, when given, has exactly `count` entries (or sets the
 * count), one per code in order; without it every label is "".
 */
export const createCodesSchema = z
  .strictObject({
    count: z.int().min(1).max(MAX_CODES_PER_REQUEST).optional(),
    role: z.enum(["user", "admin"]).default("user"),
    labels: z.array(z.string().trim().max(MAX_LABEL_LENGTH)).min(1).max(MAX_CODES_PER_REQUEST).optional(),
  })
  .superRefine((request, context) => {
    if (request.labels && request.count !== undefined && request.labels.length !== request.count) {
      context.addIssue({ code: "custom", path: ["labels"], message: `Give exactly ${request.count} labels, one per code.` });
    }
  })
  .transform(({ count, role, labels }) => {
    const n = labels?.length ?? count ?? 1;
    return { count: n, role, labels: labels ?? Array.from({ length: n }, () => "") };
  });

export type CodeRole = "user" | "admin";
