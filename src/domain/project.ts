import { z } from "zod";

export const PROJECT_LIMITS = {
  name: 100,
  description: 500,
  /** The contract's cap on one archive: 100 MiB. */
  archiveBytes: 100 * 1024 * 1024,
} as const;

/**
 * An archive object unneeded by any project or unfinished job is deleted once it is this old:
 * longer than any upload can take, so an object still being written (its row is recorded
 * before its bytes) is never swept from under its upload.
 */
export const ARCHIVE_OBJECT_GRACE_MS = 24 * 60 * 60 * 1000;

export const createProjectSchema = z.strictObject({
  name: z.string().trim().min(1, "Required.").max(PROJECT_LIMITS.name),
  description: z.string().trim().max(PROJECT_LIMITS.description).optional().default(""),
});

export type CreateProjectFields = z.output<typeof createProjectSchema>;

/**
 * The key that makes names unique in the org, case-insensitively. Upper then lower folds
 * what a lower-casing alone misses ("STRASSE" and "straße" both become "strasse"); NFC makes
 * the same text typed two ways one name.
 */
export function projectNameKey(name: string): string {
  return name.normalize("NFC").toUpperCase().toLowerCase();
}

/**
 * Where an archive's bytes live in R2. One object per upload, never overwritten, so a job
 * that pinned an archive keeps reading exactly those bytes while the project moves on. No
 * owner id in the key: a project passing to the Owner is a row update, never a copy.
 */
export function archiveObjectKey(orgId: string, projectId: string, uploadId: string): string {
  return `orgs/${orgId}/projects/${projectId}/archives/${uploadId}`;
}

/** Projects are changed, uploaded to and deleted by the member who made them, only. */
export function mayChangeProject(actorId: string, ownerId: string): { ok: true } | { ok: false; code: "forbidden"; message: string } {
  return actorId === ownerId ? { ok: true } : { ok: false, code: "forbidden", message: "You can change only your own projects." };
}

/** Why a byte upload's headers are refused before any byte is read. */
export interface UploadHeaderProblem {
  code: "invalid_request" | "too_large";
  message: string;
}

/**
 * The declared length of an upload: `Content-Length` as plain digits, at most `max`.
 * Missing (e.g. a chunked body) or malformed is 400; over the cap is 413, answered from the
 * header alone so a client never sends 100 MiB only to be refused.
 */
export function declaredLength(
  header: string | undefined,
  max: number,
): { ok: true; length: number } | { ok: false; problem: UploadHeaderProblem } {
  if (header === undefined) {
    return { ok: false, problem: { code: "invalid_request", message: "Send the archive with a Content-Length header." } };
  }
  if (!/^[0-9]{1,16}$/.test(header.trim())) {
    return { ok: false, problem: { code: "invalid_request", message: "Content-Length must be a whole number of bytes." } };
  }
  const length = Number(header.trim());
  if (length > max) {
    return { ok: false, problem: { code: "too_large", message: `An archive may be at most ${max / (1024 * 1024)} MiB.` } };
  }
  return { ok: true, length };
}

const SHA256_MEMBER = /^\s*sha-256\s*=\s*:([A-Za-z0-9+/]+={0,2}):\s*$/i;

/**
 * The sha-256 a `Content-Digest` header (RFC 9530) asks for, as lower-case hex; undefined
 * when there is no header or it names only other algorithms (which we cannot check, so we
 * do not refuse them). A sha-256 member that is not 32 bytes of base64 is refused.
 */
export function expectedSha256(
  header: string | undefined,
): { ok: true; sha256: string | undefined } | { ok: false; problem: UploadHeaderProblem } {
  if (header === undefined || header.trim() === "") return { ok: true, sha256: undefined };
  for (const member of header.split(",")) {
    if (!/^\s*sha-256\s*=/i.test(member)) continue;
    const match = SHA256_MEMBER.exec(member);
    const bytes = match ? decodeBase64(match[1]!) : undefined;
    if (bytes?.length !== 32) {
      return { ok: false, problem: { code: "invalid_request", message: "Content-Digest must be sha-256=:<base64 of 32 bytes>:." } };
    }
    return { ok: true, sha256: toHex(bytes) };
  }
  return { ok: true, sha256: undefined };
}

function decodeBase64(text: string): Uint8Array | undefined {
  try {
    return Uint8Array.from(atob(text), (char) => char.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
