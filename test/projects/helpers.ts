import { api, ORIGIN, workerFetch, type Credential } from "../support/client";

/** A project made through the API by `as`; fails the test if it is not created. */
export async function createProject(orgId: string, as: Credential, body: Record<string, unknown> = {}): Promise<any> {
  const response = await api(`/api/orgs/${orgId}/projects`, { body: { name: `p-${crypto.randomUUID().slice(0, 8)}`, ...body }, as });
  if (response.status !== 201) throw new Error(`create project failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.project;
}

export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function contentDigest(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return `sha-256=:${btoa(String.fromCharCode(...digest))}:`;
}

function authHeaders(as: Credential, headers: Record<string, string> = {}): Headers {
  const result = new Headers(headers);
  if (as && "cookie" in as) {
    result.set("Cookie", as.cookie);
    if (!result.has("Origin")) result.set("Origin", ORIGIN);
  }
  if (as && "token" in as) result.set("Authorization", `Bearer ${as.token}`);
  return result;
}

/** PUTs raw bytes as an archive, with their Content-Length (unless the body is a stream). */
export async function putArchive(
  path: string,
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  as: Credential,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const { response, json, bytes } = await workerFetch(path, { method: "PUT", headers: authHeaders(as, headers), body });
  return { status: response.status, headers: response.headers, body: json ?? new TextDecoder().decode(bytes) };
}

/** GETs raw bytes. */
export async function getBytes(path: string, as: Credential): Promise<{ status: number; headers: Headers; bytes: Uint8Array; json: any }> {
  const { response, json, bytes } = await workerFetch(path, { headers: authHeaders(as) });
  return { status: response.status, headers: response.headers, bytes, json };
}
