import { z } from "zod";

/**
 * Whether a Content-Type's essence (type/subtype, before any parameter) is JSON:
 * `application/json` or a `+json` suffix. A parameter that merely mentions JSON
 * (`text/plain; charset=application/json`) does not make a body JSON.
 */
export function isJsonMediaType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const essence = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return essence === "application/json" || /^[a-z0-9!#$&^_.-]+\/[a-z0-9!#$&^_.+-]+\+json$/.test(essence);
}

/**
 * A whole number in a query string: plain decimal digits only (no sign, space, `0x`, `1e1` or
 * fraction), then checked against `min`..`max`. Empty or absent gives `fallback`.
 */
export function queryInt(min: number, max: number, fallback: number) {
  return z
    .string()
    .optional()
    .transform((value) => (value === undefined || value === "" ? String(fallback) : value))
    .pipe(z.string().regex(/^[0-9]{1,9}$/, "Use plain decimal digits."))
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

// In a `u` regex a surrogate pair is one code point, so this matches only a LONE surrogate.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * The paths of every string in `input` that is not well-formed UTF-16 (a lone surrogate).
 * Such a string cannot be stored as it was sent: UTF-8 storage would replace it with U+FFFD,
 * so what is kept would differ from what was checked. Every input is refused on it, once,
 * before any schema sees it.
 */
export function malformedStrings(input: unknown, path: string[] = []): string[] {
  if (typeof input === "string") return LONE_SURROGATE.test(input) ? [path.join(".") || "(body)"] : [];
  if (Array.isArray(input)) return input.flatMap((item, i) => malformedStrings(item, [...path, String(i)]));
  if (typeof input === "object" && input !== null) {
    return Object.entries(input).flatMap(([key, value]) => [
      ...(LONE_SURROGATE.test(key) ? [[...path, "(key)"].join(".")] : []),
      ...malformedStrings(value, [...path, key]),
    ]);
  }
  return [];
}

/** Length in characters (code points), as the contract counts them: an emoji is one. */
export function characterCount(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}
