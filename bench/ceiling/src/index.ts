import { DurableObject } from "cloudflare:workers";

interface Env {
  DB: D1Database;
  ORG: DurableObjectNamespace<CeilingObject>;
  COUNTER: DurableObjectNamespace<CeilingCounter>;
  BLOBS: R2Bucket;
}

/** The org floors' objects all go to org-0, as Cohort's redeem and one-org scenarios go to one org. */
const FLOOR_ORG = "org-0";
const COUNTER_SHARDS = 32;

/**
 * Stands in for the org object. `record` is the `io` route's RPC (two rows in one batch);
 * `join` and `changeRole` are the floors' RPCs. Like Cohort's object, the floors' work runs one
 * command at a time (a promise chain): a membership rule needs its reads and writes unshared,
 * and that serialisation costs no I/O but does cost throughput, so the floor pays it too.
 */
export class CeilingObject extends DurableObject<Env> {
  private queue: Promise<unknown> = Promise.resolve();

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const result = this.queue.then(work, work);
    this.queue = result.catch(() => undefined);
    return result;
  }

  async record(itemId: string): Promise<number> {
    const now = Date.now();
    const insert = this.env.DB.prepare("INSERT INTO entry (id, item_id, at) VALUES (?, ?, ?)");
    const results = await this.env.DB.batch([insert.bind(crypto.randomUUID(), itemId, now), insert.bind(crypto.randomUUID(), itemId, now)]);
    return results.length;
  }

  /** redeem_floor's RPC: one batch of three rows (membership, the code marked used, the audit event). */
  join(userId: string, codeHash: string, orgId: string): Promise<number> {
    return this.serially(async () => {
      const now = Date.now();
      const results = await this.env.DB.batch([
        this.env.DB.prepare("INSERT INTO floor_joined (id, user_id, org_id, at) VALUES (?, ?, ?, ?)").bind(
          crypto.randomUUID(),
          userId,
          orgId,
          now,
        ),
        this.env.DB.prepare("UPDATE floor_code SET used_at = ?, used_by = ? WHERE hash = ?").bind(now, userId, codeHash),
        this.env.DB.prepare("INSERT INTO floor_event (id, org_id, kind, at) VALUES (?, ?, 'joined', ?)").bind(
          crypto.randomUUID(),
          orgId,
          now,
        ),
      ]);
      return results.reduce((sum, result) => sum + (result.meta.rows_written ?? 0), 0);
    });
  }

  /**
   * role_change_floor's RPC: one read (the actor's session and role joined with the target's
   * membership, so the principal is not a read of its own), then one batch of three statements
   * (the role, the audit event, the org's version).
   */
  changeRole(sessionToken: string, orgId: string, targetId: string): Promise<string> {
    return this.serially(async () => {
      const row = await this.env.DB.prepare(
        `SELECT s.user_id AS actor, a.role AS actor_role, t.role AS target_role
         FROM floor_session s
         JOIN floor_membership a ON a.user_id = s.user_id AND a.org_id = ?1
         JOIN floor_membership t ON t.user_id = ?2 AND t.org_id = ?1
         WHERE s.token = ?3 AND s.expires_at > ?4`,
      )
        .bind(orgId, targetId, sessionToken, Date.now())
        .first<{ actor: string; actor_role: string; target_role: string }>();
      if (row?.actor_role !== "owner") throw new Error("the floor's actor is not the org's owner");
      const role = row.target_role === "user" ? "admin" : "user";
      const now = Date.now();
      await this.env.DB.batch([
        this.env.DB.prepare("UPDATE floor_membership SET role = ? WHERE user_id = ? AND org_id = ? AND role = ?").bind(
          role,
          targetId,
          orgId,
          row.target_role,
        ),
        this.env.DB.prepare("INSERT INTO floor_event (id, org_id, kind, at) VALUES (?, ?, 'role', ?)").bind(
          crypto.randomUUID(),
          orgId,
          now,
        ),
        this.env.DB.prepare("UPDATE floor_org SET version = version + 1 WHERE id = ?").bind(orgId),
      ]);
      return role;
    });
  }
}

/**
 * An exact counter in a SQLite-backed object, as a throttle is: one statement that increments
 * and returns the count, atomic because the object runs one thing at a time. Keys are spread
 * over COUNTER_SHARDS objects, so no object is shared by every request.
 */
export class CeilingCounter extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS counter (key TEXT PRIMARY KEY, n INTEGER NOT NULL)");
  }

  increment(key: string): number {
    const row = this.ctx.storage.sql
      .exec<{ n: number }>("INSERT INTO counter (key, n) VALUES (?, 1) ON CONFLICT (key) DO UPDATE SET n = n + 1 RETURNING n", key)
      .one();
    return row.n;
  }
}

function randomBelow(n: number): number {
  return Math.floor(Math.random() * n);
}

function randomItemId(): string {
  return `item-${randomBelow(1000)}`;
}

/** A user of FLOOR_ORG other than its owner: users 8, 16, ... 992. */
function randomFloorOrgMember(): number {
  return 8 * (1 + randomBelow(124));
}

function shardOf(key: string): number {
  let hash = 0;
  for (let i = 0; i < key.length; i += 1) hash = (hash * 31 + key.charCodeAt(i)) | 0;
  return Math.abs(hash) % COUNTER_SHARDS;
}

async function readItem(env: Env) {
  const row = await env.DB.prepare("SELECT id, org_id, value FROM item WHERE id = ?")
    .bind(randomItemId())
    .first<{ id: string; org_id: string; value: string }>();
  if (!row) throw new Error("the ceiling's items are not seeded");
  return row;
}

async function readSessionUser(env: Env, token: string): Promise<string> {
  const row = await env.DB.prepare("SELECT user_id FROM floor_session WHERE token = ? AND expires_at > ?")
    .bind(token, Date.now())
    .first<{ user_id: string }>();
  if (!row) throw new Error("the floor's sessions are not seeded");
  return row.user_id;
}

async function readCode(env: Env, hash: string) {
  const row = await env.DB.prepare("SELECT hash, org_id, used_at FROM floor_code WHERE hash = ?")
    .bind(hash)
    .first<{ hash: string; org_id: string }>();
  if (!row) throw new Error("the floor's codes are not seeded");
  return row;
}

/** redeem_floor: session, then the code and the exact counter at once, then the org's object and its batch. */
async function redeemFloor(env: Env) {
  const userId = await readSessionUser(env, `session-${randomBelow(1000)}`);
  const [code, attempts] = await Promise.all([
    readCode(env, `code-${randomFloorOrgMember()}`),
    env.COUNTER.getByName(`counter-${shardOf(userId)}`).increment(userId),
  ]);
  const written = await env.ORG.getByName(code.org_id).join(userId, code.hash, code.org_id);
  return { userId, orgId: code.org_id, attempts, written };
}

/** me_floor: one read joining session, user, membership and org. */
async function meFloor(env: Env) {
  const row = await env.DB.prepare(
    `SELECT u.id, u.email, u.name, m.role, o.id AS org_id, o.name AS org_name
     FROM floor_session s
     JOIN floor_user u ON u.id = s.user_id
     JOIN floor_membership m ON m.user_id = u.id
     JOIN floor_org o ON o.id = m.org_id
     WHERE s.token = ? AND s.expires_at > ?`,
  )
    .bind(`session-${randomBelow(1000)}`, Date.now())
    .first();
  if (!row) throw new Error("the floor's sessions are not seeded");
  return row;
}

/**
 * volume_transfer's floor: the body streamed into R2 with the length the client declared (R2
 * needs it up front; FixedLengthStream gives it without buffering), and streamed back out.
 * No hash, no metadata, no quota: what any Worker storing the bytes cannot avoid.
 */
async function r2Floor(request: Request, env: Env, key: string): Promise<Response> {
  if (request.method === "PUT") {
    const length = Number(request.headers.get("content-length"));
    if (!request.body || !Number.isSafeInteger(length) || length < 0) return new Response("Content-Length required", { status: 411 });
    const sized = new FixedLengthStream(length);
    const piping = request.body.pipeTo(sized.writable);
    const [object] = await Promise.all([env.BLOBS.put(key, sized.readable), piping]);
    return Response.json({ key, size: object?.size ?? 0 }, { status: 201 });
  }
  const object = await env.BLOBS.get(key);
  if (!object) return new Response("not found", { status: 404 });
  return new Response(object.body, { headers: { "Content-Type": "application/octet-stream", "Content-Length": String(object.size) } });
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname.startsWith("/r2/") && (request.method === "PUT" || request.method === "GET"))
      return r2Floor(request, env, pathname.slice("/r2/".length));
    if (pathname === "/noop") return Response.json({ ok: true });
    if (pathname === "/read") return Response.json(await readItem(env));
    if (pathname === "/io") {
      // The least a redemption must do: find the code (one read), hand it to its org's
      // object (one RPC, always the same object, as a class redeeming codes of one org does),
      // which writes membership and audit (one batch of two rows).
      const item = await readItem(env);
      const written = await env.ORG.getByName("org-0").record(item.id);
      return Response.json({ id: item.id, written });
    }
    if (pathname === "/redeem-floor") return Response.json(await redeemFloor(env));
    if (pathname === "/me-floor") return Response.json(await meFloor(env));
    if (pathname === "/role-change-floor") {
      // The owner of FLOOR_ORG (user-0) toggles a member between user and admin.
      const role = await env.ORG.getByName(FLOOR_ORG).changeRole("session-0", FLOOR_ORG, `user-${randomFloorOrgMember()}`);
      return Response.json({ role });
    }
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
