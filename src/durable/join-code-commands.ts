import { insertAudit, isUniqueViolation } from "../db/batch";
import type { Db } from "../db/client";
import {
  consumeCode,
  findOrgCode,
  insertCodes,
  isLive,
  type LiveCodeRef,
  revokeCode as revokeCodeStatements,
  type NewJoinCode,
} from "../db/join-code-queries";
import { findMember } from "../db/org-queries";
import { bumpVersion, guardRole, insertMembership } from "../db/org-writes";
import { AUDIT_ACTIONS, type AuditAction } from "../domain/audit";
import { codeExpiry, codeHint, formatCode, generateCodes, type CodeRole } from "../domain/join-code";
import { mayCreateCodes, mayRevokeCode } from "../domain/join-code-rules";
import { keyedHash } from "../domain/keyed-hash";
import { newId, newSortableId } from "../domain/ids";
import { atLeast } from "../domain/roles";
import { applyOnce, operationOf, refuse, type CommandInput, type CommandResult, type Decision } from "./command";

export type CreateCodesInput = CommandInput & { role: CodeRole; count: number; labels?: string[] };
export type RevokeCodeInput = CommandInput & { codeId: string };
/** `actorId` is the person redeeming; the edge found the live `code` by its keyed hash. */
export type RedeemCodeInput = CommandInput & { code: Omit<LiveCodeRef, "orgId">; username: string };

export interface CreatedCode {
  id: string;
  code: string;
  role: CodeRole;
  label: string;
  expiresAt: string;
}

export interface Redemption {
  org: { id: string; name: string };
  role: CodeRole;
}

// Each retry draws every code afresh; 10^8 codes make even one collision rare, so three
// collisions in a row mean something is broken rather than unlucky.
const COLLISION_RETRIES = 3;

function auditEntry(
  orgId: string,
  at: Date,
  action: AuditAction,
  actor: { userId: string; username: string },
  details: Record<string, unknown>,
) {
  return { id: newSortableId(at.getTime()), orgId, at, action, actor, details };
}

interface DrawnCode {
  id: string;
  digits: string;
  hash: string;
}

async function drawCodes(count: number, codeHashSecret: string, draw: (count: number) => string[]): Promise<DrawnCode[]> {
  return Promise.all(draw(count).map(async (digits) => ({ id: newId(), digits, hash: await keyedHash(codeHashSecret, digits) })));
}

/**
 * Creates 1–50 codes in one batch; the caller runs it in the org's serial queue. Only keyed
 * hashes are stored, and the command result (kept in D1 for replays) holds no code either:
 * the codes exist in plain only in this call's answer. The codes are drawn and hashed before
 * the (pure) decision; one that collides with a live code (the partial unique index) rolls
 * the batch back, and the whole command is redone with a fresh draw, unseen.
 */
export async function createCodes(
  db: Db,
  input: CreateCodesInput,
  at: Date,
  codeHashSecret: string,
  draw: (count: number) => string[] = generateCodes,
): Promise<CommandResult<{ codes: CreatedCode[] }>> {
  for (let attempt = 0; ; attempt += 1) {
    const drawn = await drawCodes(input.count, codeHashSecret, draw);
    try {
      const result = await applyOnce(db, operationOf(input, at), () => decideCreateCodes(db, input, at, drawn));
      return result.ok ? revealCodes(result.value.codes, drawn) : result;
    } catch (error) {
      if (isUniqueViolation(error, "join_code.code_hash") && attempt < COLLISION_RETRIES) continue;
      throw error;
    }
  }
}

/** The created codes in plain, from this call's draw; a replay's were never kept readably. */
function revealCodes(made: Omit<CreatedCode, "code">[], drawn: DrawnCode[]): CommandResult<{ codes: CreatedCode[] }> {
  const digitsById = new Map(drawn.map((code) => [code.id, code.digits]));
  const codes: CreatedCode[] = [];
  for (const code of made) {
    const digits = digitsById.get(code.id);
    if (digits === undefined) return refuse("conflict", "These codes were already created and cannot be shown again; create new ones.");
    codes.push({ id: code.id, code: formatCode(digits), role: code.role, label: code.label, expiresAt: code.expiresAt });
  }
  return { ok: true, value: { codes } };
}

async function decideCreateCodes(
  db: Db,
  input: CreateCodesInput,
  at: Date,
  drawn: DrawnCode[],
): Promise<Decision<{ codes: Omit<CreatedCode, "code">[] }>> {
  const actor = await findMember(db, input.orgId, input.actorId);
  if (!actor) return refuse("not_found");
  const verdict = mayCreateCodes(actor.role, input.role, input.count);
  if (!verdict.ok) return refuse(verdict.code, verdict.message);
  const expiresAt = new Date(codeExpiry(at.getTime()));
  const rows: NewJoinCode[] = drawn.map((code, i) => ({
    id: code.id,
    orgId: input.orgId,
    codeHash: code.hash,
    hint: codeHint(code.digits),
    role: input.role,
    label: input.labels?.[i] ?? "",
    createdBy: actor.userId,
    createdAt: at,
    expiresAt,
  }));
  const who = { userId: actor.userId, username: actor.username };
  return {
    ok: true,
    statements: [
      guardRole(db, input.orgId, actor.userId, actor.role),
      ...insertCodes(db, rows),
      insertAudit(db, auditEntry(input.orgId, at, AUDIT_ACTIONS.codesCreated, who, { count: input.count, role: input.role })),
    ],
    value: { codes: rows.map((row) => ({ id: row.id, role: input.role, label: row.label, expiresAt: expiresAt.toISOString() })) },
  };
}

/** Admins revoke join codes, the Owner any code; a code already used, revoked or expired is not found. */
export async function decideRevokeCode(db: Db, input: RevokeCodeInput, at: Date): Promise<Decision<null>> {
  const [actor, code] = await Promise.all([findMember(db, input.orgId, input.actorId), findOrgCode(db, input.orgId, input.codeId)]);
  if (!actor) return refuse("not_found");
  if (!atLeast(actor.role, "admin")) return refuse("forbidden", "Only Admins and the Owner can revoke join codes.");
  if (!code || !isLive(code, at)) return refuse("not_found", "No live join code has that id.");
  if (!mayRevokeCode(actor.role, code.role)) return refuse("forbidden", "Only the Owner can revoke admin invites.");
  const who = { userId: actor.userId, username: actor.username };
  return {
    ok: true,
    statements: [
      guardRole(db, input.orgId, actor.userId, actor.role),
      ...revokeCodeStatements(db, input.orgId, code.id, at),
      insertAudit(db, auditEntry(input.orgId, at, AUDIT_ACTIONS.codeRevoked, who, { codeId: code.id, role: code.role, hint: code.hint })),
    ],
    value: null,
  };
}

/**
 * Consumes the code and adds the member in one batch, reading nothing first: the edge's lookup
 * found the code (its role, label and org never change while it is live) and the batch checks
 * the rest. The consume is conditional and guarded, so of concurrent redemptions exactly one
 * commits and the others are answered `invalid_code`; membership.user_id is the primary key,
 * so a user racing codes of two orgs ends in one, the other batch rolled back whole (the org
 * object's constraint map answers it as `already_in_org`).
 */
export async function decideRedeemCode(db: Db, input: RedeemCodeInput, at: Date): Promise<Decision<Redemption>> {
  const { code, orgId } = input;
  const who = { userId: input.actorId, username: input.username };
  return {
    ok: true,
    statements: [
      ...consumeCode(db, code.id, who.userId, at),
      insertMembership(db, { userId: who.userId, orgId, role: code.role, joinedAt: at }),
      insertAudit(db, {
        ...auditEntry(orgId, at, AUDIT_ACTIONS.codeRedeemed, who, { role: code.role, codeId: code.id, label: code.label }),
        target: who,
      }),
      bumpVersion(db, orgId),
    ],
    value: { org: { id: orgId, name: code.orgName }, role: code.role },
    whenGuardsFail: refuse("invalid_code"),
  };
}
