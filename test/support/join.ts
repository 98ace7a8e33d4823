import { api, type ApiResponse } from "./client";
import type { UserWithToken } from "./factories";

/**
 * Joins through the public API: the Owner makes a one-time code with the role, the joiner
 * redeems it. A code left unredeemed (the joiner was already in an org) is revoked, so a
 * later admin invite is not refused for an earlier one still being live.
 */
export async function joinWithCode(
  owner: UserWithToken,
  orgId: string,
  joiner: UserWithToken,
  role: "user" | "admin",
): Promise<ApiResponse> {
  const made = await api(`/api/orgs/${orgId}/join-codes`, { method: "POST", body: { count: 1, role }, as: owner.token });
  if (made.status !== 201) throw new Error(`harness: the Owner could not make a ${role} code: ${made.status} ${JSON.stringify(made.body)}`);
  const [code] = made.body.codes;
  const redeemed = await api("/api/join", { method: "POST", body: { code: code.code }, as: joiner.token });
  if (redeemed.status !== 200) {
    const revoked = await api(`/api/orgs/${orgId}/join-codes/${code.id}`, { method: "DELETE", as: owner.token });
    if (revoked.status !== 204) throw new Error(`harness: could not revoke an unused code: ${revoked.status}`);
  }
  return redeemed;
}
