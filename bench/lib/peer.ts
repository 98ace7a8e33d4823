import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startProcess, stopProcess, waitForOutput } from "./processes.ts";

export interface PeerSeed {
  origin: string;
  organizationId: string;
  ownerCookie: string;
  invites: { invitationId: string; cookie: string }[];
}

/** Starts the peer (bench/peer/server.ts) on a fresh SQLite file; resolves once it is seeded. */
export async function startPeer(
  workDir: string,
  sizes: { members: number; invites: number },
): Promise<{ seed: PeerSeed; stop: () => void }> {
  const out = join(workDir, "peer-seed.json");
  const started = startProcess(
    process.execPath,
    [
      new URL("../peer/server.ts", import.meta.url).pathname,
      "--db",
      join(workDir, "peer.sqlite"),
      "--out",
      out,
      "--members",
      String(sizes.members),
      "--invites",
      String(sizes.invites),
    ],
    join(workDir, "peer.log"),
  );
  try {
    await waitForOutput(started, (output) => (output.includes("READY") ? true : undefined), 600_000, "the peer");
  } catch (error) {
    stopProcess(started.child);
    throw error;
  }
  return { seed: JSON.parse(readFileSync(out, "utf8")) as PeerSeed, stop: () => stopProcess(started.child) };
}
