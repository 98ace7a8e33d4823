import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { guard, rawStatement, type Statement } from "./batch";
import type { Db } from "./client";
import { machine, membership, organization } from "./schema";

/** A machine as the API shows it: never its token. */
export interface MachineRecord {
  id: string;
  name: string;
  hostname: string;
  gpus: number;
  shared: boolean;
  ownerId: string;
  createdAt: string;
  lastSeenAt: string | null;
}

type MachineRow = typeof machine.$inferSelect;

export function toMachine(row: MachineRow): MachineRecord {
  return {
    id: row.id,
    name: row.name,
    hostname: row.hostname,
    gpus: row.gpus,
    shared: row.shared,
    ownerId: row.ownerId,
    createdAt: row.createdAt.toISOString(),
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
  };
}

export async function listMachines(db: Db, orgId: string): Promise<MachineRecord[]> {
  const rows = await db.select().from(machine).where(eq(machine.orgId, orgId)).orderBy(asc(machine.createdAt), asc(machine.id));
  return rows.map(toMachine);
}

export async function findMachine(db: Db, orgId: string, id: string): Promise<MachineRecord | undefined> {
  const [row] = await db
    .select()
    .from(machine)
    .where(and(eq(machine.orgId, orgId), eq(machine.id, id)))
    .limit(1);
  return row && toMachine(row);
}

export function listMemberMachines(db: Db, orgId: string, userId: string): Promise<{ id: string; name: string }[]> {
  return db
    .select({ id: machine.id, name: machine.name })
    .from(machine)
    .where(and(eq(machine.orgId, orgId), eq(machine.ownerId, userId)))
    .orderBy(asc(machine.createdAt), asc(machine.id));
}

/** What an agent request acts as: its machine, in its org, while its owner is still a member there. */
export interface AgentMachine {
  machineId: string;
  orgId: string;
  ownerId: string;
  lastSeenAt: Date | null;
}

/** One read: the machine holding this token hash, if its owner still belongs to its org. */
export async function machineByAgentTokenHash(db: Db, tokenHash: string): Promise<AgentMachine | undefined> {
  const [row] = await db
    .select({ machineId: machine.id, orgId: machine.orgId, ownerId: machine.ownerId, lastSeenAt: machine.lastSeenAt })
    .from(machine)
    .innerJoin(membership, and(eq(membership.userId, machine.ownerId), eq(membership.orgId, machine.orgId)))
    .innerJoin(organization, eq(organization.id, machine.orgId))
    .where(eq(machine.agentTokenHash, tokenHash))
    .limit(1);
  return row;
}

/** Marks the machine seen, at most once per `everyMs`, so a busy agent does not write on every request. */
export async function touchMachine(db: Db, machineId: string, now: Date, everyMs: number): Promise<void> {
  await db
    .update(machine)
    .set({ lastSeenAt: now })
    .where(and(eq(machine.id, machineId), or(isNull(machine.lastSeenAt), lt(machine.lastSeenAt, new Date(now.getTime() - everyMs)))));
}

/**
 * Inserts only while the owner is a member of the org, decided by D1 at the moment of the
 * insert: a machine made while its owner is being removed is either deregistered with the rest
 * or not made at all.
 */
export function insertMachineIfMember(
  db: Db,
  row: {
    id: string;
    orgId: string;
    ownerId: string;
    name: string;
    hostname: string;
    gpus: number;
    shared: boolean;
    agentTokenHash: string;
    createdAt: Date;
  },
): Statement {
  return rawStatement(
    db,
    sql`
    INSERT INTO machine (id, org_id, owner_id, name, hostname, gpus, shared, agent_token_hash, created_at)
    SELECT ${row.id}, ${row.orgId}, ${row.ownerId}, ${row.name}, ${row.hostname}, ${row.gpus}, ${row.shared ? 1 : 0}, ${row.agentTokenHash}, ${row.createdAt.getTime()}
    WHERE EXISTS (SELECT 1 FROM membership WHERE user_id = ${row.ownerId} AND org_id = ${row.orgId})`,
  );
}

/** Asserts the conditional insert above happened, so a refused insert is never reported as made. */
export function guardMachineInserted(db: Db, id: string): Statement {
  return guard(db, `machine ${id} was not inserted`, sql`EXISTS (SELECT 1 FROM machine WHERE id = ${id})`);
}

export function guardOwnsMachine(db: Db, orgId: string, id: string, ownerId: string): Statement {
  return guard(
    db,
    `machine ${id} is not ${ownerId}'s`,
    sql`EXISTS (SELECT 1 FROM machine WHERE id = ${id} AND org_id = ${orgId} AND owner_id = ${ownerId})`,
  );
}

export function updateMachine(
  db: Db,
  orgId: string,
  id: string,
  ownerId: string,
  changes: { name?: string; shared?: boolean; agentTokenHash?: string },
): Statement {
  return db
    .update(machine)
    .set(changes)
    .where(and(eq(machine.id, id), eq(machine.orgId, orgId), eq(machine.ownerId, ownerId)));
}

export function deleteMachine(db: Db, orgId: string, id: string, ownerId: string): Statement {
  return db.delete(machine).where(and(eq(machine.id, id), eq(machine.orgId, orgId), eq(machine.ownerId, ownerId)));
}

export function deregisterMachines(db: Db, orgId: string, userId: string): Statement {
  return db.delete(machine).where(and(eq(machine.orgId, orgId), eq(machine.ownerId, userId)));
}
