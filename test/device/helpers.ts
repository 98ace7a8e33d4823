import type { DeviceCodeGrant } from "../../src/services/device-login";
import { api, type Credential } from "../support/client";

export async function startLogin(clientName?: string) {
  const response = await api("/api/device/code", { body: clientName === undefined ? {} : { clientName } });
  if (response.status !== 200) throw new Error(`device code failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as DeviceCodeGrant;
}

export function poll(deviceCode: string) {
  return api("/api/device/token", { body: { deviceCode } });
}

export function approve(userCode: string, as: Credential, headers?: Record<string, string>) {
  return api("/api/device/approve", { body: { userCode }, as, ...(headers ? { headers } : {}) });
}

export function deny(userCode: string, as: Credential) {
  return api("/api/device/deny", { body: { userCode }, as });
}
