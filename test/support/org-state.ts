import { env } from "cloudflare:workers";

/** Everything one org holds in D1, for "nothing changed" and "changed once" comparisons. */
export async function orgSnapshot(orgId: string) {
  const [org, members, volumes, machines, events, operations] = await env.DB.batch<Record<string, unknown>>([
    env.DB.prepare(`SELECT id, name, website, location, sector, university_name, description, version FROM organization WHERE id = ?`).bind(
      orgId,
    ),
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
    ["volume", "machine", "join_code", "audit_event", "operation", "membership", "organization"].map((table) =>
      env.DB.prepare(`DELETE FROM ${table}`),
    ),
  );
}
