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
