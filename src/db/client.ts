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

const preparedByDb = new WeakMap<Db, Map<(db: Db) => unknown, unknown>>();

/**
 * A query built once per Db, its SQL and row mapping kept, and run each time with its
 * placeholders' values (`sql.placeholder`): for the few queries on nearly every request, whose
 * building costs more CPU than sending them. Placeholder values go to D1 as they are (a time
 * as epoch milliseconds, not a Date).
 */
export function prepared<Q>(db: Db, make: (db: Db) => Q): Q {
  let byMaker = preparedByDb.get(db);
  if (!byMaker) {
    byMaker = new Map();
    preparedByDb.set(db, byMaker);
  }
  let query = byMaker.get(make) as Q | undefined;
  if (!query) {
    query = make(db);
    byMaker.set(make, query);
  }
  return query;
}
