import { env } from "cloudflare:workers";
import { api, type Credential } from "../support/client";
import { sha256Hex } from "../support/bytes";
import { unique } from "../support/factories";

/** A project with an archive, written straight to D1 and R2 (projects are built on their own branch). */
export async function projectWithArchive(
  orgId: string,
  ownerId: string,
  bytes = "archive bytes",
): Promise<{ id: string; sha256: string; key: string }> {
  const id = unique("proj");
  const key = `orgs/${orgId}/projects/${id}/archives/${unique("a")}`;
  const data = new TextEncoder().encode(bytes);
  const sha256 = await sha256Hex(data);
  await env.BLOBS.put(key, data);
  await env.DB.prepare(
    "INSERT INTO project (id, org_id, owner_id, name, name_key, description, archive_key, archive_size, archive_sha256, archive_uploaded_at, created_at) VALUES (?, ?, ?, ?, ?, '', ?, ?, ?, ?, ?)",
  )
    .bind(id, orgId, ownerId, id, id.toLowerCase(), key, data.length, sha256, Date.now(), Date.now())
    .run();
  return { id, sha256, key };
}

export async function projectWithoutArchive(orgId: string, ownerId: string): Promise<string> {
  const id = unique("proj");
  await env.DB.prepare("INSERT INTO project (id, org_id, owner_id, name, name_key, description, created_at) VALUES (?, ?, ?, ?, ?, '', ?)")
    .bind(id, orgId, ownerId, id, id.toLowerCase(), Date.now())
    .run();
  return id;
}

export async function registerMachine(
  orgId: string,
  as: Credential,
  body: Record<string, unknown> = {},
): Promise<{ id: string; agent: { token: string } }> {
  const response = await api(`/api/orgs/${orgId}/machines`, { body: { name: unique("rig"), ...body }, as });
  if (response.status !== 201) throw new Error(`machine: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.machine.id, agent: { token: response.body.agentToken } };
}

export async function submit(orgId: string, as: Credential, body: Record<string, unknown>) {
  return api(`/api/orgs/${orgId}/jobs`, { body: { command: ["python", "train.py"], ...body }, as });
}

export async function submitOk(orgId: string, as: Credential, body: Record<string, unknown>): Promise<any> {
  const response = await submit(orgId, as, body);
  if (response.status !== 201) throw new Error(`submit: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.job;
}

export const claim = (agent: { token: string }) => api("/api/agent/claim", { method: "POST", as: agent });
export const heartbeat = (agent: { token: string }, jobId: string, leaseToken: string) =>
  api(`/api/agent/jobs/${jobId}/heartbeat`, { body: { leaseToken }, as: agent });
export const finish = (agent: { token: string }, jobId: string, leaseToken: string, exitCode: number | null, failure?: "timeout") =>
  api(`/api/agent/jobs/${jobId}/finish`, { body: failure ? { leaseToken, exitCode, failure } : { leaseToken, exitCode }, as: agent });
export const sendLogs = (agent: { token: string }, jobId: string, leaseToken: string, lines: { stream: string; text: string }[]) =>
  api(`/api/agent/jobs/${jobId}/logs`, { body: { leaseToken, lines }, as: agent });
export const getJob = async (orgId: string, jobId: string, as: Credential) =>
  (await api(`/api/orgs/${orgId}/jobs/${jobId}`, { as })).body.job;
