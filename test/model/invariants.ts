import { env } from "cloudflare:workers";

/** The queries behind `invariantViolations`, for callers that batch them with their own reads. */
export function invariantQueries(): D1PreparedStatement[] {
  return [
    env.DB.prepare(
      `SELECT o.id AS org, (SELECT count(*) FROM membership m WHERE m.org_id = o.id AND m.role = 'owner') AS owners
       FROM organization o WHERE owners <> 1`,
    ),
    env.DB.prepare(`SELECT user_id AS user, count(*) AS n FROM membership GROUP BY user_id HAVING n > 1`),
    env.DB.prepare(
      `SELECT v.id AS volume, v.org_id AS org FROM volume v
       LEFT JOIN membership m ON m.user_id = v.owner_id AND m.org_id = v.org_id WHERE m.user_id IS NULL`,
    ),
    env.DB.prepare(
      `SELECT x.id AS machine, x.org_id AS org FROM machine x
       LEFT JOIN membership m ON m.user_id = x.owner_id AND m.org_id = x.org_id WHERE m.user_id IS NULL`,
    ),
  ];
}

export function violationsFrom(results: D1Result<Record<string, unknown>>[]): string[] {
  const [owners, doubleMembers, orphanVolumes, orphanMachines] = results;
  return [
    ...owners!.results.map((row) => `org ${row.org} has ${row.owners} owners`),
    ...doubleMembers!.results.map((row) => `user ${row.user} has ${row.n} memberships`),
    ...orphanVolumes!.results.map((row) => `volume ${row.volume} of org ${row.org} is owned by a non-member`),
    ...orphanMachines!.results.map((row) => `machine ${row.machine} of org ${row.org} is registered by a non-member`),
  ];
}

/**
 * The invariants of issue 3, read straight from D1 (never through the API under test):
 * exactly one Owner per org, at most one membership per user, no volume or machine whose
 * owner is not a member of its org. Returns the violations found; empty means all hold.
 */
export async function invariantViolations(): Promise<string[]> {
  return violationsFrom(await env.DB.batch<Record<string, unknown>>(invariantQueries()));
}

/** Row counts per org id of a table that has an `org_id` column. */
export async function countsByOrg(table: "volume" | "machine" | "audit_event" | "membership"): Promise<Map<string, number>> {
  const { results } = await env.DB.prepare(`SELECT org_id AS org, count(*) AS n FROM ${table} GROUP BY org_id`).all<{ org: string; n: number }>();
  return new Map(results.map((row) => [row.org, row.n]));
}

/** Everything one org holds in D1, for "nothing changed" and "changed once" comparisons. */
export async function orgSnapshot(orgId: string) {
  const [org, members, volumes, machines, events, operations] = await env.DB.batch<Record<string, unknown>>([
    env.DB.prepare(`SELECT id, name, website, location, sector, university_name, description, version FROM organization WHERE id = ?`).bind(orgId),
    env.DB.prepare(`SELECT user_id, role FROM membership WHERE org_id = ? ORDER BY user_id`).bind(orgId),
    env.DB.prepare(`SELECT id, owner_id, name, size_gb FROM volume WHERE org_id = ? ORDER BY id`).bind(orgId),
    env.DB.prepare(`SELECT id, owner_id FROM machine WHERE org_id = ? ORDER BY id`).bind(orgId),
    env.DB.prepare(`SELECT action, actor_id, target_id FROM audit_event WHERE org_id = ? ORDER BY id`).bind(orgId),
    env.DB.prepare(`SELECT id FROM operation WHERE org_id = ? ORDER BY id`).bind(orgId),
  ]);
  return {
    org: org!.results[0] ?? null,
    members: members!.results,
    volumes: volumes!.results,
    machines: machines!.results,
    events: events!.results,
    operations: operations!.results,
  };
}

/** Empties every org table, so the next sequence starts from users with no org. */
export async function deleteAllOrgs(): Promise<void> {
  await env.DB.batch(
    ["volume", "machine", "join_code", "audit_event", "operation", "membership", "organization"].map((table) => env.DB.prepare(`DELETE FROM ${table}`)),
  );
}
