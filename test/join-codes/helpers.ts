import { env } from "cloudflare:workers";
import type { ThrottleRule } from "../../src/domain/throttle";
import { BUDGET_SHARDS, sharedBudget } from "../../src/services/throttle-client";
import { api, type ApiResponse, type Credential } from "../support/client";

export interface MadeCode {
  id: string;
  code: string;
  role: "user" | "admin";
  expiresAt: string;
}

/** Makes codes through the API and fails loudly if that is refused. */
export async function makeCodes(
  as: Credential,
  orgId: string,
  body: { count?: number; role?: "user" | "admin" } = {},
): Promise<MadeCode[]> {
  const response = await api(`/api/orgs/${orgId}/join-codes`, { body, as });
  if (response.status !== 201) throw new Error(`making codes failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body.codes;
}

export async function makeCode(as: Credential, orgId: string, role: "user" | "admin" = "user"): Promise<MadeCode> {
  const [code] = await makeCodes(as, orgId, { role });
  if (!code) throw new Error("no code made");
  return code;
}

/** A client address of its own, so one test's failures never count against another's. */
let addresses = 0;
export function freshAddress(): string {
  addresses += 1;
  return `203.0.${addresses >> 8}.${addresses % 256}`;
}

export function redeem(as: Credential, code: unknown, address = freshAddress()): Promise<ApiResponse> {
  return api("/api/join", { body: { code }, as, headers: { "CF-Connecting-IP": address } });
}

export async function memberCount(orgId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM membership WHERE org_id = ?").bind(orgId).first<{ n: number }>();
  return row?.n ?? 0;
}

export async function codeRow(codeId: string) {
  return env.DB.prepare("SELECT redeemed_at, redeemed_by, revoked_at FROM join_code WHERE id = ?")
    .bind(codeId)
    .first<{ redeemed_at: number | null; redeemed_by: string | null; revoked_at: number | null }>();
}

export async function orgVersion(orgId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT version FROM organization WHERE id = ?").bind(orgId).first<{ version: number }>();
  return row?.version ?? -1;
}

export async function auditActions(orgId: string): Promise<{ action: string; actor_id: string; details: string }[]> {
  const { results } = await env.DB.prepare("SELECT action, actor_id, details FROM audit_event WHERE org_id = ? ORDER BY id")
    .bind(orgId)
    .all<{ action: string; actor_id: string; details: string }>();
  return results;
}

/** Makes an account look older than it is: "known" accounts are at least a day old. */
export async function backdateAccount(userId: string, ageMs: number): Promise<void> {
  await env.DB.prepare("UPDATE user SET created_at = ? WHERE id = ?")
    .bind(Date.now() - ageMs, userId)
    .run();
}

/** Spends a whole shared budget (e.g. the global failure budget) without going through the API. */
export async function spendBudget(rule: ThrottleRule): Promise<void> {
  for (const shard of sharedBudget(env, rule).shards) {
    for (let n = 0; n < rule.limit / BUDGET_SHARDS; n += 1) await shard.record();
  }
}
