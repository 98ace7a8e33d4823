import { drizzle } from "drizzle-orm/d1";
import { timedD1 } from "../request-timing";
import * as schema from "./schema";

export type Db = ReturnType<typeof build>;

function build(d1: D1Database) {
  return drizzle(timedD1(d1), { schema });
}

// drizzle() walks the whole schema on every call (a tenth of /api/me's CPU in a profile); the
// binding is the same object for the isolate's life, and the Db holds no request state.
const byBinding = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = byBinding.get(d1);
  if (!db) {
    db = build(d1);
    byBinding.set(d1, db);
  }
  return db;
}
