import { z } from "zod";
import { queryInt } from "./strict-input";

export const KIB = 1024;
export const MIB = 1024 * KIB;
export const GIB = 1024 * MIB;
export const TIB = 1024 * GIB;

export const FILE_LIMITS = {
  pathBytes: 1024,
  /** One PUT of a whole file; larger files go through a resumable upload. */
  putBytes: 100 * MIB,
  uploadBytes: TIB,
  /** R2's floor for every part but the last. */
  minPartBytes: 5 * MIB,
  defaultPartBytes: 5 * MIB,
  maxParts: 10_000,
  listDefault: 1000,
  listMax: 1000,
  uploadLifetimeMs: 24 * 60 * 60 * 1000,
  /** How long a single PUT may hold its reservation; an abandoned one is released by the sweep. */
  putReservationMs: 60 * 60 * 1000,
} as const;

export type PathCheck = { ok: true; path: string } | { ok: false; message: string };

// C0, DEL and C1 controls: invisible, and they break terminals, logs and file systems.
const CONTROL = /\p{Cc}/u;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** A file path as the contract defines it, checked on the decoded text. */
export function checkPath(path: string): PathCheck {
  if (LONE_SURROGATE.test(path)) return { ok: false, message: "The path is not well-formed Unicode." };
  const bytes = new TextEncoder().encode(path).length;
  if (bytes < 1 || bytes > FILE_LIMITS.pathBytes) return { ok: false, message: `A path is 1 to ${FILE_LIMITS.pathBytes} bytes of UTF-8.` };
  if (path.startsWith("/")) return { ok: false, message: "A path does not start with /." };
  if (CONTROL.test(path)) return { ok: false, message: "A path has no control characters." };
  for (const segment of path.split("/")) {
    if (segment === "") return { ok: false, message: "A path has no empty segments." };
    if (segment === "." || segment === "..") return { ok: false, message: "A path has no . or .. segments." };
  }
  return { ok: true, path };
}

/**
 * The path of `…/files/{path}` from the raw (still percent-encoded) URL path after `files/`:
 * split on `/` first, then each segment decoded, so an encoded `%2F` can never make a segment
 * boundary the client did not send (it is refused instead).
 */
export function pathFromUrl(raw: string): PathCheck {
  const segments: string[] = [];
  for (const encoded of raw.split("/")) {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      return { ok: false, message: "A path segment is not valid percent-encoded UTF-8." };
    }
    if (segment.includes("/")) return { ok: false, message: "A path segment may not contain an encoded /." };
    segments.push(segment);
  }
  return checkPath(segments.join("/"));
}

/** The URL form of a path: each segment percent-encoded. */
export function pathToUrl(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

/**
 * Parts of at least 5 MiB (R2's floor), grown in whole MiB so that no upload needs more than 10,000 parts
 * (R2's limit): 1 TiB gives 105 MiB parts. Every part is this size but the last.
 */
export function partSizeFor(size: number): number {
  const needed = Math.ceil(size / FILE_LIMITS.maxParts);
  return Math.max(FILE_LIMITS.defaultPartBytes, Math.ceil(needed / MIB) * MIB);
}

export function partCountFor(size: number, partSize: number): number {
  return Math.ceil(size / partSize);
}

/** The exact size part `n` (1-based) must have, or null when there is no such part. */
export function expectedPartSize(upload: { size: number; partSize: number; partCount: number }, n: number): number | null {
  if (!Number.isInteger(n) || n < 1 || n > upload.partCount) return null;
  return n < upload.partCount ? upload.partSize : upload.size - upload.partSize * (upload.partCount - 1);
}

export function volumeCapacity(sizeGb: number): number {
  return sizeGb * GIB;
}

/**
 * Whether `size` more bytes fit: what the volume's files take (without the file this write
 * replaces) plus the declared sizes of its unfinished uploads and writes in flight.
 */
export function fitsQuota(usage: { capacity: number; files: number; replaced: number; reserved: number }, size: number): boolean {
  return usage.files - usage.replaced + usage.reserved + size <= usage.capacity;
}

/** `Content-Length`: plain decimal digits, else absent (null) or malformed (NaN). */
export function parseContentLength(header: string | undefined): number | null {
  if (header === undefined) return null;
  return /^[0-9]{1,16}$/.test(header.trim()) ? Number(header.trim()) : Number.NaN;
}

/**
 * The SHA-256 a `Content-Digest` header (RFC 9530) claims, as lower-case hex; null when the
 * header names no sha-256; undefined when it is malformed.
 */
export function contentDigestSha256(header: string): string | null | undefined {
  for (const member of header.split(",")) {
    const match = /^\s*([a-zA-Z0-9-]+)\s*=\s*:([A-Za-z0-9+/]*={0,2}):\s*$/.exec(member);
    if (!match) return undefined;
    if (match[1]!.toLowerCase() !== "sha-256") continue;
    let bytes: string;
    try {
      bytes = atob(match[2]!);
    } catch {
      return undefined;
    }
    if (bytes.length !== 32) return undefined;
    return [...bytes].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join("");
  }
  return null;
}

/** A listing cursor: the last path shown, as base64url of its UTF-8, so it is opaque and URL-safe. */
export function encodeCursor(path: string): string {
  const bytes = new TextEncoder().encode(path);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,1400}$/.test(cursor)) return null;
  try {
    const binary = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const path = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0)));
    return checkPath(path).ok ? path : null;
  } catch {
    return null;
  }
}

/** `?prefix=&cursor=&limit=` of a file listing. */
export const listFilesQuerySchema = z.object({
  prefix: z
    .string()
    .max(4 * FILE_LIMITS.pathBytes)
    .optional()
    .default(""),
  cursor: z
    .string()
    .optional()
    .transform((cursor, ctx) => {
      if (!cursor) return undefined;
      const path = decodeCursor(cursor);
      if (path === null) {
        ctx.addIssue({ code: "custom", message: "Not a cursor this API gave." });
        return z.NEVER;
      }
      return path;
    }),
  limit: queryInt(1, FILE_LIMITS.listMax, FILE_LIMITS.listDefault),
});

const pathField = z.string().superRefine((path, ctx) => {
  const check = checkPath(path);
  if (!check.ok) ctx.addIssue({ code: "custom", message: check.message });
});

/** `POST …/uploads`: a path as in a body (where `.` and `..` really arrive) and the declared size. */
export const createUploadSchema = z.strictObject({
  path: pathField,
  size: z.number().int().min(1).max(FILE_LIMITS.uploadBytes),
});

export type CreateUploadInput = z.output<typeof createUploadSchema>;

/** `GET`/`PUT …/parts/:n`: 1-based, plain digits. */
export function parsePartNumber(raw: string): number | null {
  return /^[1-9][0-9]{0,4}$/.test(raw) ? Number(raw) : null;
}
