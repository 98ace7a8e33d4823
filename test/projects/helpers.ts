import { api, raw, type Credential } from "../support/client";

/** A project made through the API by `as`; fails the test if it is not created. */
export async function createProject(orgId: string, as: Credential, body: Record<string, unknown> = {}): Promise<any> {
  const response = await api(`/api/orgs/${orgId}/projects`, { body: { name: `p-${crypto.randomUUID().slice(0, 8)}`, ...body }, as });
  if (response.status !== 201) throw new Error(`create project failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.project;
}

/** PUTs raw bytes as an archive, with their Content-Length (unless the body is a stream); the answer's body as JSON or text. */
export async function putArchive(
  path: string,
  body: Uint8Array | ReadableStream<Uint8Array> | null,
  as: Credential,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: any }> {
  const response = await raw(path, { method: "PUT", body, as, headers });
  return { status: response.status, headers: response.headers, body: response.json ?? new TextDecoder().decode(response.bytes) };
}

/** GETs raw bytes. */
export const getBytes = (path: string, as: Credential) => raw(path, { as });
