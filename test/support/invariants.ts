import { env } from "cloudflare:workers";
import { expect } from "vitest";

/**
 * The invariants of issue 3, read straight from D1 (never through the API under test):
 * exactly one Owner per org, at most one membership per user, no volume or machine whose
 * owner is not a member of its org. With `orgId`, for that org alone (and an org that is
 * not there has no Owner); without, for every org. Callers that batch them with their own
 * reads take the queries and read the answers with `violationsFrom`.
 */
export function invariantQueries(orgId?: string): D1PreparedStatement[] {
  const bind = (statement: D1PreparedStatement) => (orgId === undefined ? statement : statement.bind(orgId));
  if (orgId === undefined) {
    return [
      env.DB.prepare(
        `SELECT o.id AS org, (SELECT count(*) FROM membership m WHERE m.org_id = o.id AND m.role = 'owner') AS owners
         FROM organization o WHERE owners <> 1`,
      ),
      env.DB.prepare(`SELECT user_id AS user, count(*) AS n FROM membership GROUP BY user_id HAVING n > 1`),
      ...strayQueries(""),
    ];
  }
  return [
    env.DB.prepare(
      `SELECT ?1 AS org, (SELECT count(*) FROM membership m WHERE m.org_id = ?1 AND m.role = 'owner') AS owners WHERE owners <> 1`,
    ),
    env.DB.prepare(
      `SELECT user_id AS user, count(*) AS n FROM membership
       WHERE user_id IN (SELECT user_id FROM membership WHERE org_id = ?1) GROUP BY user_id HAVING n > 1`,
    ),
    ...strayQueries("AND x.org_id = ?1"),
  ].map(bind);
}

function strayQueries(orgFilter: string): D1PreparedStatement[] {
  return [
    env.DB.prepare(
      `SELECT x.id AS volume, x.org_id AS org FROM volume x
       LEFT JOIN membership m ON m.user_id = x.owner_id AND m.org_id = x.org_id WHERE m.user_id IS NULL ${orgFilter}`,
    ),
    env.DB.prepare(
      `SELECT x.id AS machine, x.org_id AS org FROM machine x
       LEFT JOIN membership m ON m.user_id = x.owner_id AND m.org_id = x.org_id WHERE m.user_id IS NULL ${orgFilter}`,
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

/** The invariant violations found in D1 (of one org, or of all); empty means all hold. */
export async function invariantViolations(orgId?: string): Promise<string[]> {
  return violationsFrom(await env.DB.batch<Record<string, unknown>>(invariantQueries(orgId)));
}

/** Fails the test on any invariant violation in D1 (of one org, or of all). */
export async function expectInvariants(orgId?: string): Promise<void> {
  expect(await invariantViolations(orgId)).toEqual([]);
}
