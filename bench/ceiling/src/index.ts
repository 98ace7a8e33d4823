import { DurableObject } from "cloudflare:workers";

interface Env {
  DB: D1Database;
  ORG: DurableObjectNamespace<CeilingObject>;
}

/** Stands in for the org object: one RPC that writes two rows in one D1 batch. */
export class CeilingObject extends DurableObject<Env> {
  async record(itemId: string): Promise<number> {
    const now = Date.now();
    const insert = this.env.DB.prepare("INSERT INTO entry (id, item_id, at) VALUES (?, ?, ?)");
    const results = await this.env.DB.batch([
      insert.bind(crypto.randomUUID(), itemId, now),
      insert.bind(crypto.randomUUID(), itemId, now),
    ]);
    return results.length;
  }
}

function randomItemId(): string {
  return `item-${Math.floor(Math.random() * 1000)}`;
}

async function readItem(env: Env) {
  const row = await env.DB.prepare("SELECT id, org_id, value FROM item WHERE id = ?")
    .bind(randomItemId())
    .first<{ id: string; org_id: string; value: string }>();
  if (!row) throw new Error("the ceiling's items are not seeded");
  return row;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
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
    return new Response("not found", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
