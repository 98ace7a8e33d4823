import { api, ORIGIN, workerFetch, type Credential } from "../support/client";
import type { TestOrg } from "../support/org-factories";

export const MIB = 1024 * 1024;

/** Deterministic bytes, different per seed, without a wall-clock or RNG in the way. */
export function bytes(size: number, seed = 1): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed * 2654435761;
  for (let i = 0; i < size; i += 1) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

export async function sha256Hex(data: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", data))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function contentDigest(data: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return `sha-256=:${btoa(String.fromCharCode(...digest))}:`;
}

function authHeaders(as: Credential, method: string): Headers {
  const headers = new Headers();
  if (as && "cookie" in as) {
    headers.set("Cookie", as.cookie);
    if (method !== "GET") headers.set("Origin", ORIGIN);
  }
  if (as && "token" in as) headers.set("Authorization", `Bearer ${as.token}`);
  return headers;
}

/** A raw-bytes request (PUT of a file or part, GET of a file), answered as status, headers and body bytes or JSON. */
export async function raw(
  path: string,
  options: { method?: string; body?: BodyInit | null; as: Credential; headers?: Record<string, string> },
): Promise<{ status: number; headers: Headers; json: any; bytes: Uint8Array }> {
  const method = options.method ?? "GET";
  const headers = authHeaders(options.as, method);
  for (const [name, value] of Object.entries(options.headers ?? {})) headers.set(name, value);
  const { response, json, bytes } = await workerFetch(path, { method, headers, body: options.body ?? null });
  return { status: response.status, headers: response.headers, json, bytes };
}

export const filesUrl = (orgId: string, volumeId: string) => `/api/orgs/${orgId}/volumes/${volumeId}/files`;
export const fileUrl = (orgId: string, volumeId: string, path: string) => `${filesUrl(orgId, volumeId)}/${path.split("/").map(encodeURIComponent).join("/")}`;
export const uploadsUrl = (orgId: string, volumeId: string) => `/api/orgs/${orgId}/volumes/${volumeId}/uploads`;

export async function putFile(org: { id: string }, volumeId: string, path: string, data: Uint8Array, as: Credential, headers: Record<string, string> = {}) {
  return raw(fileUrl(org.id, volumeId, path), { method: "PUT", body: data, as, headers });
}

export async function createVolume(org: TestOrg | { id: string }, as: Credential, sizeGb = 1): Promise<{ id: string; name: string }> {
  const response = await api(`/api/orgs/${org.id}/volumes`, { body: { name: `vol ${Math.random().toString(36).slice(2, 7)}`, sizeGb }, as });
  if (response.status !== 201) throw new Error(`volume failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.volume;
}
