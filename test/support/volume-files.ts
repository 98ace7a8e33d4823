import { api, raw, type Credential } from "./client";
import type { TestOrg } from "./org-factories";

export const filesUrl = (orgId: string, volumeId: string) => `/api/orgs/${orgId}/volumes/${volumeId}/files`;
export const fileUrl = (orgId: string, volumeId: string, path: string) =>
  `${filesUrl(orgId, volumeId)}/${path.split("/").map(encodeURIComponent).join("/")}`;
export const uploadsUrl = (orgId: string, volumeId: string) => `/api/orgs/${orgId}/volumes/${volumeId}/uploads`;

export async function putFile(
  org: { id: string },
  volumeId: string,
  path: string,
  data: Uint8Array,
  as: Credential,
  headers: Record<string, string> = {},
) {
  return raw(fileUrl(org.id, volumeId, path), { method: "PUT", body: data, as, headers });
}

export async function createVolume(org: TestOrg | { id: string }, as: Credential, sizeGb = 1): Promise<{ id: string; name: string }> {
  const response = await api(`/api/orgs/${org.id}/volumes`, {
    body: { name: `vol ${Math.random().toString(36).slice(2, 7)}`, sizeGb },
    as,
  });
  if (response.status !== 201) throw new Error(`volume failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.volume;
}
