import { DatabaseSync } from "node:sqlite";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import { organization } from "better-auth/plugins/organization";

/**
 * The peer: Better Auth with its organization plugin on Node, SQLite through node:sqlite.
 * Passwords are hashed trivially because only seeding signs anyone up; the measured
 * endpoints (list members, accept invitation) never hash.
 */
export async function createPeerAuth(file: string, origin: string) {
  const database = new DatabaseSync(file);
  // Like local D1's SQLite: write-ahead log, so reads do not wait on the writer.
  database.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;");
  const options = {
    appName: "peer",
    baseURL: origin,
    secret: "peer-bench-secret-0123456789abcdef0123456789abcdef",
    database,
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    emailAndPassword: {
      enabled: true,
      password: {
        hash: async (password: string) => `bench:${password}`,
        verify: async ({ hash, password }: { hash: string; password: string }) => hash === `bench:${password}`,
      },
    },
    plugins: [organization({ membershipLimit: 1_000_000, invitationLimit: 1_000_000, cancelPendingInvitationsOnReInvite: false })],
  };
  const { runMigrations } = await getMigrations(options);
  await runMigrations();
  return { auth: betterAuth(options), database };
}

export type PeerAuth = Awaited<ReturnType<typeof createPeerAuth>>["auth"];
