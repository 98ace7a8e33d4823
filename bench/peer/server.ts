import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { toNodeHandler } from "better-auth/node";
import { createPeerAuth } from "./auth.ts";
import { seedPeer } from "./seed.ts";

/**
 * Serves the peer on 127.0.0.1 (a plain Node HTTP server in front of Better Auth's handler),
 * seeds it, writes what the load needs to --out and prints `READY <port>`.
 */
const { values } = parseArgs({
  options: {
    db: { type: "string" },
    out: { type: "string" },
    members: { type: "string", default: "1000" },
    invites: { type: "string", default: "1000" },
  },
});
if (!values.db || !values.out) throw new Error("usage: server.ts --db <file> --out <file> [--members n] [--invites n]");

const server = createServer();
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const address = server.address();
if (!address || typeof address === "string") throw new Error("no port");
const origin = `http://127.0.0.1:${address.port}`;
const { auth, database } = await createPeerAuth(values.db, origin);
server.on("request", toNodeHandler(auth));
const seed = await seedPeer(auth, database, origin, { members: Number(values.members), invites: Number(values.invites) });
writeFileSync(values.out, JSON.stringify({ origin, ...seed }));
console.log(`READY ${address.port}`);
