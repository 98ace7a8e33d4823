import { betterAuth } from "better-auth/minimal";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { drizzle } from "drizzle-orm/d1";
import { peerSchemaOptions } from "./options";
import * as schema from "./schema";

interface Env {
  DB: D1Database;
  AUTH_SECRET: string;
}

/**
 * The peer on the same runtime as Cohort: Better Auth (`better-auth/minimal`) with its
 * organization plugin, on D1 through its Drizzle adapter, as a user picking it instead of
 * Cohort would deploy it. Passwords are hashed trivially, as in the Node peer: only the Owner
 * signs up (seeding), and the measured endpoints never hash.
 */
function createPeerAuth(env: Env, origin: string) {
  return betterAuth({
    ...peerSchemaOptions,
    appName: "peer-workerd",
    secret: env.AUTH_SECRET,
    baseURL: origin,
    trustedOrigins: [origin],
    database: drizzleAdapter(drizzle(env.DB, { schema }), { provider: "sqlite", schema }),
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    // As plain strings, so wrangler dev's log shows them (it prints objects as [Object]).
    logger: {
      level: "error",
      log: (level, message, ...args) =>
        console.log(
          `[peer-workerd ${level}] ${message} ${args.map((arg) => (arg instanceof Error ? `${arg.message} ${String(arg.cause ?? "")}` : String(arg))).join(" ")}`,
        ),
    },
    emailAndPassword: {
      enabled: true,
      password: {
        hash: async (password: string) => `bench:${password}`,
        verify: async ({ hash, password }: { hash: string; password: string }) => hash === `bench:${password}`,
      },
    },
  });
}

// One instance per isolate and origin, as a deployed Worker would keep it (its options never change).
const instances = new Map<string, ReturnType<typeof createPeerAuth>>();

export default {
  async fetch(request, env) {
    const origin = new URL(request.url).origin;
    let auth = instances.get(origin);
    if (!auth) {
      auth = createPeerAuth(env, origin);
      instances.set(origin, auth);
    }
    return auth.handler(request);
  },
} satisfies ExportedHandler<Env>;
