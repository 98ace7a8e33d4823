import { and, desc, eq } from "drizzle-orm";
import type { Db } from "./client";
import { apiToken } from "./schema";

export interface TokenRecord {
  id: string;
  name: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

export async function insertToken(
  db: Db,
  token: { id: string; userId: string; name: string; tokenHash: string; createdAt: Date },
): Promise<void> {
  await db.insert(apiToken).values(token);
}

export function listTokens(db: Db, userId: string): Promise<TokenRecord[]> {
  return db
    .select({ id: apiToken.id, name: apiToken.name, createdAt: apiToken.createdAt, lastUsedAt: apiToken.lastUsedAt })
    .from(apiToken)
    .where(eq(apiToken.userId, userId))
    .orderBy(desc(apiToken.createdAt));
}

/** Deletes one of the user's own tokens; false when there is no such token of theirs. */
export async function deleteToken(db: Db, userId: string, tokenId: string): Promise<boolean> {
  const deleted = await db
    .delete(apiToken)
    .where(and(eq(apiToken.id, tokenId), eq(apiToken.userId, userId)))
    .returning({ id: apiToken.id });
  return deleted.length > 0;
}
