import { drizzle } from "drizzle-orm/d1";
import { timedD1 } from "../request-timing";
import * as schema from "./schema";

export type Db = ReturnType<typeof createDb>;

export function createDb(d1: D1Database) {
  return drizzle(timedD1(d1), { schema });
}
