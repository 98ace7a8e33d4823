import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { keyedHash } from "../../src/domain/keyed-hash.ts";

/** An account made straight in D1: a user row and an API token (no password, never signs in). */
export interface BulkAccount {
  id: string;
  username: string;
  token: string;
}

function quote(value: string | number): string {
  return typeof value === "number" ? String(value) : `'${value.replaceAll("'", "''")}'`;
}

export function inserts(table: string, columns: string[], rows: (string | number)[][]): string[] {
  const out: string[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const values = rows.slice(i, i + 200).map((row) => `(${row.map(quote).join(", ")})`);
    out.push(`INSERT INTO ${table} (${columns.join(", ")}) VALUES\n${values.join(",\n")};`);
  }
  return out;
}

/**
 * Writes SQL for `count` accounts with API tokens. Sign-up costs ~70 ms of scrypt in the Worker,
 * so thousands of sign-ups would not fit the run; the token is stored exactly as the app
 * stores its own (the same keyed hash, under the secret the bench passes to wrangler dev).
 */
export async function bulkAccounts(
  prefix: string,
  count: number,
  codeHashSecret: string,
): Promise<{ accounts: BulkAccount[]; sql: string[] }> {
  const now = Date.now();
  const accounts: BulkAccount[] = [];
  for (let i = 0; i < count; i += 1) {
    const username = `${prefix}${i}`;
    accounts.push({ id: `bench-${prefix}-${i}`, username, token: `coh_${randomBytes(20).toString("hex")}` });
  }
  const users = accounts.map((a) => [a.id, `Bench ${a.username}`, `${a.username}@bench.example`, 0, now, now, a.username, a.username]);
  const tokens = await Promise.all(
    accounts.map(async (a) => [`tok-${a.id}`, a.id, "bench", await keyedHash(codeHashSecret, a.token), now]),
  );
  return {
    accounts,
    sql: [
      ...inserts("user", ["id", "name", "email", "email_verified", "created_at", "updated_at", "username", "display_username"], users),
      ...inserts("api_token", ["id", "user_id", "name", "token_hash", "created_at"], tokens),
    ],
  };
}

/** SQL for members of a big org that only fill its list: user rows and membership rows. */
export function fillerMembers(prefix: string, orgId: string, count: number): string[] {
  const now = Date.now();
  const ids = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return [
    ...inserts(
      "user",
      ["id", "name", "email", "email_verified", "created_at", "updated_at", "username", "display_username"],
      ids.map((id) => [`bench-${id}`, `Bench ${id}`, `${id}@bench.example`, 0, now, now, id, id]),
    ),
    ...inserts(
      "membership",
      ["user_id", "org_id", "role", "joined_at"],
      ids.map((id) => [`bench-${id}`, orgId, "user", now]),
    ),
  ];
}

export function writeSql(file: string, statements: string[]): void {
  writeFileSync(file, `${statements.join("\n")}\n`);
}
