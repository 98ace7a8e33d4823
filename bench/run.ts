import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { measureBundle, measureStartup } from "./lib/bundle.ts";
import { profileWhile, selfTimeByFile, topSelfTime, writeProfile } from "./lib/cpu-profile.ts";
import { seedCohort, type CohortSeed, type MutationOrg } from "./lib/cohort-seed.ts";
import { measureCounts } from "./lib/counts.ts";
import { drain, load } from "./lib/load.ts";
import type { LoadResult, LoadSpec } from "./lib/load-spec.ts";
import { startPeer, type PeerSeed } from "./lib/peer.ts";
import { ROOT, stopAll } from "./lib/processes.ts";
import { startPeerWorkerd, listMembersPages, PEER_WORKERD_PAGE } from "./lib/peer-workerd.ts";
import { measureFanout } from "./lib/live-fanout.ts";
import { measureClaims, measureSubmitToRunning, setUpAgents } from "./lib/agent-jobs.ts";
import { measureVolumeTransfer } from "./lib/volume-transfer.ts";
import {
  BUNDLE_BUDGET_GZIP_KIB,
  buildResults,
  formatClaims,
  formatFanout,
  formatLoads,
  formatSubmitToRunning,
  formatTables,
  formatTransfer,
  SCENARIOS,
  type Scenario,
} from "./lib/report.ts";
import { snapshotApp } from "./lib/snapshot.ts";
import { startDevWorker, type DevWorker } from "./lib/wrangler-dev.ts";

/**
 * `npm run bench [-- --quick] [-- --only a,b]`: the ceiling Worker, Cohort and the two peers, each started fresh and
 * seeded, loaded one scenario at a time by autocannon in its own process; D1 rows and object
 * calls counted in workerd; the bundle measured. Writes bench/results/latest.json.
 */
const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    only: { type: "string" },
    profile: { type: "string" },
  },
});
const quick = flags.quick;
/** `--only a,b`: run just these scenarios (and start just their servers); no counts, no bundle, no results written. */
const only = flags.only ? new Set(flags.only.split(",").map((name) => name.trim())) : undefined;
/**
 * Not loads: one change at a time reaching 100 open live sockets; a 64 MiB volume file up and
 * down beside the ceiling's raw R2; 16 agents draining a job queue; submit to running on an idle agent.
 */
const MEASUREMENTS = ["live_fanout", "volume_transfer", "agent_claims", "submit_to_running"] as const;
for (const name of only ?? []) {
  if (!(MEASUREMENTS as readonly string[]).includes(name) && !(SCENARIOS as readonly string[]).includes(name)) {
    throw new Error(`--only: no scenario "${name}"; the scenarios are ${[...SCENARIOS, ...MEASUREMENTS].join(", ")}`);
  }
}
const runs = (name: (typeof MEASUREMENTS)[number]) => !only || only.has(name);
const runFanout = runs("live_fanout");
const mode = quick
  ? {
      warmupSeconds: 1,
      durationSeconds: 3,
      redeemPool: 600,
      peerInvites: 1_500,
      nodePeerInvites: 3_000,
      membersPerMutationOrg: 16,
      transfers: 3,
      claimJobs: 160,
    }
  : {
      warmupSeconds: 3,
      durationSeconds: 10,
      redeemPool: 3_000,
      peerInvites: 6_000,
      // The Node peer accepts about 350 a second here: its pool must outlast warm-up and window.
      nodePeerInvites: 9_000,
      membersPerMutationOrg: 16,
      transfers: 5,
      claimJobs: 400,
    };
/** The agents of issue 12's measurements: 16 claim at once; 10 of them then wait idle for 3 jobs each. */
const AGENTS = 16;
const IDLE_AGENTS = 10;
const JOBS_PER_IDLE_AGENT = 3;
const CONNECTIONS = 16;
// The Worker reads it to hash API tokens; the bench writes tokens straight into D1 with it.
const CODE_HASH_SECRET = "bench-code-hash-secret-0123456789abcdef0123456789";
const AUTH_SECRET = "bench-auth-secret-0123456789abcdef0123456789abcdef";

const workDir = mkdtempSync(join(tmpdir(), "cohort-bench-"));
const started = Date.now();
const log = (message: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${message}\n`);
// Whatever way the run ends, the servers it started end with it.
process.on("exit", stopAll);
process.on("SIGINT", () => process.exit(130));
process.on("SIGTERM", () => process.exit(143));

function spec(origin: string, rest: Omit<LoadSpec, "origin" | "connections" | "warmupSeconds" | "durationSeconds">): LoadSpec {
  return { origin, connections: CONNECTIONS, warmupSeconds: mode.warmupSeconds, durationSeconds: mode.durationSeconds, ...rest };
}

function cookieHeaders(worker: DevWorker, cookie: string | undefined, write = false): Record<string, string> {
  return { cookie: cookie ?? "", ...(write ? { origin: worker.url } : {}) };
}

/** Role changes: each request toggles one member, promote on one pass and demote on the next. */
function roleChanges(worker: DevWorker, orgs: MutationOrg[]): LoadSpec {
  const items = [];
  const perOrg = orgs[0]!.memberIds.length;
  // Interleaved, so consecutive requests go to different orgs.
  for (let i = 0; i < perOrg; i += 1) {
    for (const org of orgs) {
      items.push({
        path: `/api/orgs/${org.orgId}/members/${org.memberIds[i]}/role`,
        headers: cookieHeaders(worker, org.owner.cookie, true),
      });
    }
  }
  return spec(worker.url, { base: { path: "/", method: "PUT" }, items, bodiesByPass: [{ role: "admin" }, { role: "user" }] });
}

interface Servers {
  ceiling: DevWorker;
  cohort: DevWorker;
  seed: CohortSeed;
  peer: PeerSeed;
  peerWorkerd: PeerSeed;
}

type Server = "ceiling" | "cohort" | "peer" | "peerWorkerd";

/** The server a scenario loads, by its name. */
function serverOf(name: Scenario): Server {
  if (name.startsWith("ceiling_") || name.endsWith("_floor")) return "ceiling";
  if (name.startsWith("peer_workerd_")) return "peerWorkerd";
  if (name.startsWith("peer_")) return "peer";
  return "cohort";
}

function acceptInvites(peer: PeerSeed): LoadSpec {
  return spec(peer.origin, {
    base: { path: "/api/auth/organization/accept-invitation", method: "POST" },
    items: peer.invites.map(({ invitationId, cookie }) => ({ headers: { cookie, origin: peer.origin }, body: { invitationId } })),
    itemsOnce: true,
  });
}

/**
 * In this order, so that a scenario rarely follows one on the same server (a finished load
 * leaves requests in flight); the slowest, members_10k, comes last. Each builds its load from
 * the started servers, so a run of some scenarios (`--only`) starts only what they need.
 */
const SCENARIO_ORDER: [Scenario, (s: Servers) => LoadSpec][] = [
  ["ceiling_noop", ({ ceiling }) => spec(ceiling.url, { base: { path: "/noop" } })],
  ["me", ({ cohort, seed }) => spec(cohort.url, { base: { path: "/api/me", headers: cookieHeaders(cohort, seed.me.cookie) } })],
  ["ceiling_read", ({ ceiling }) => spec(ceiling.url, { base: { path: "/read" } })],
  ["peer_workerd_accept_invite", ({ peerWorkerd }) => acceptInvites(peerWorkerd)],
  ["me_floor", ({ ceiling }) => spec(ceiling.url, { base: { path: "/me-floor" } })],
  [
    "redeem",
    ({ cohort, seed }) =>
      spec(cohort.url, {
        base: { path: "/api/join", method: "POST" },
        items: seed.redeem.attempts.map(({ token, code }) => ({ headers: { authorization: `Bearer ${token}` }, body: { code } })),
        itemsOnce: true,
      }),
  ],
  ["ceiling_io", ({ ceiling }) => spec(ceiling.url, { base: { path: "/io" } })],
  ["mutations_one_org", ({ cohort, seed }) => roleChanges(cohort, [seed.oneOrg])],
  ["redeem_floor", ({ ceiling }) => spec(ceiling.url, { base: { path: "/redeem-floor", method: "POST" } })],
  ["peer_accept_invite", ({ peer }) => acceptInvites(peer)],
  ["role_change_floor", ({ ceiling }) => spec(ceiling.url, { base: { path: "/role-change-floor", method: "PUT" } })],
  ["mutations_8_orgs", ({ cohort, seed }) => roleChanges(cohort, seed.eightOrgs)],
  [
    "peer_list_members",
    ({ peer }) =>
      spec(peer.origin, {
        base: {
          path: `/api/auth/organization/list-members?organizationId=${peer.organizationId}&limit=1000`,
          headers: { cookie: peer.ownerCookie },
        },
      }),
  ],
  [
    "peer_workerd_list_members",
    ({ peerWorkerd }) =>
      spec(peerWorkerd.origin, {
        base: { path: "/", headers: { cookie: peerWorkerd.ownerCookie } },
        items: listMembersPages(peerWorkerd.organizationId, 1_000).map((path) => ({ path })),
      }),
  ],
  [
    "members_1k",
    ({ cohort, seed }) =>
      spec(cohort.url, {
        base: { path: `/api/orgs/${seed.members1k.orgId}/members`, headers: cookieHeaders(cohort, seed.members1k.owner.cookie) },
      }),
  ],
  [
    "members_10k",
    ({ cohort, seed }) =>
      spec(cohort.url, {
        base: { path: `/api/orgs/${seed.members10k.orgId}/members`, headers: cookieHeaders(cohort, seed.members10k.owner.cookie) },
      }),
  ],
];

function probeOf(server: Server, s: Servers): string {
  if (server === "ceiling") return `${s.ceiling.url}/noop`;
  if (server === "cohort") return `${s.cohort.url}/api/me`;
  return `${(server === "peer" ? s.peer : s.peerWorkerd).origin}/api/auth/ok`;
}

async function main() {
  log(`${quick ? "quick" : "full"} run${only ? ` of ${[...only].join(", ")}` : ""} in ${workDir}`);
  const selected = SCENARIO_ORDER.filter(([name]) => !only || only.has(name));
  const needed = new Set(selected.map(([name]) => serverOf(name)));
  if (runFanout || runs("volume_transfer") || runs("agent_claims") || runs("submit_to_running")) needed.add("cohort");
  if (runs("volume_transfer")) needed.add("ceiling");
  // The other measurements set up their own org; only the loads on Cohort and the fan-out need the seed.
  const needsSeed = runFanout || selected.some(([name]) => serverOf(name) === "cohort");
  // Alone first: the start-up profile is CPU time, and the rest would crowd it.
  const cohortConfig = snapshotApp(workDir);
  log("starting the ceiling, Cohort and the peers; seeding; counting rows in workerd; bundling");
  const bundleStart = only ? undefined : measureBundle(workDir, cohortConfig);
  // A profile names functions as written: the bundle is not minified for it.
  const devArgs = flags.profile ? ["--minify=false"] : [];
  const ceilingStart = needed.has("ceiling")
    ? startDevWorker("ceiling", `${ROOT}bench/ceiling/wrangler.jsonc`, workDir, {}, devArgs)
    : undefined;
  const cohortStart = needed.has("cohort")
    ? startDevWorker("cohort", cohortConfig, workDir, { ENVIRONMENT: "development", AUTH_SECRET, CODE_HASH_SECRET }, devArgs)
    : undefined;
  const peerStart = needed.has("peer")
    ? startPeer(workDir, { members: 1_000, invites: mode.nodePeerInvites }).then((peer) => {
        log("peer seeded");
        return peer;
      })
    : undefined;
  const peerWorkerdStart = needed.has("peerWorkerd")
    ? startPeerWorkerd(workDir, { members: 1_000, invites: mode.peerInvites }).then((peer) => {
        log("workerd peer seeded");
        return peer;
      })
    : undefined;
  const countsStart = only
    ? undefined
    : measureCounts().then((costs) => {
        log("rows counted");
        return costs;
      });
  const cohort = await cohortStart;
  const seed =
    cohort && needsSeed
      ? await seedCohort(
          cohort,
          workDir,
          CODE_HASH_SECRET,
          { redeemPool: mode.redeemPool, membersPerMutationOrg: mode.membersPerMutationOrg },
          log,
        )
      : undefined;
  if (seed) log("Cohort seeded");
  const [ceiling, peer, peerWorkerd, costs, bundle] = await Promise.all([
    ceilingStart,
    peerStart,
    peerWorkerdStart,
    countsStart,
    bundleStart,
  ]);
  log("all seeded");
  // Only the servers a selected scenario needs were started; only those scenarios read them.
  const servers = { ceiling, cohort, seed, peer: peer?.seed, peerWorkerd: peerWorkerd?.seed } as Servers;

  const loads = {} as Record<Scenario, LoadResult>;
  for (const [name, makeSpec] of selected) {
    await drain(probeOf(serverOf(name), servers));
    const run = () => load(name, makeSpec(servers), workDir);
    if (flags.profile === name) {
      const server = servers[serverOf(name)] as DevWorker | undefined;
      if (!server || !("inspectorPort" in server)) throw new Error(`--profile: ${name} does not load a wrangler dev server of ours`);
      const { result, profile } = await profileWhile(server.inspectorPort, run);
      loads[name] = result;
      const file = join(workDir, `${name}.cpuprofile`);
      writeProfile(file, profile);
      log(`${name}: CPU profile in ${file} (warm-up included); self time, largest first:\n${topSelfTime(profile)}`);
      log(`${name}: self time by source file:\n${selfTimeByFile(profile)}`);
    } else {
      loads[name] = await run();
    }
    const r = loads[name];
    log(
      `${name}: ${r.rps} req/s, p50 ${r.p50_ms} ms, p99 ${r.p99_ms} ms, errors ${r.errors}${r.statuses ? ` ${JSON.stringify(r.statuses)}` : ""}${r.exhausted ? " (pool exhausted)" : ""}`,
    );
  }
  // The Owner of one 16-member org edits its profile while 100 of its members' sockets are open.
  const fanout = runFanout && cohort && seed ? await measureFanout(cohort.url, seed.eightOrgs[0]!) : undefined;
  if (fanout) log(formatFanout(fanout).replace(/ +/, ": "));
  const transfer = runs("volume_transfer") && cohort && ceiling ? await measureVolumeTransfer(cohort, ceiling, mode.transfers) : undefined;
  if (transfer) log(formatTransfer(transfer.figures).replace(/ +/, ": "));
  const agents = (runs("agent_claims") || runs("submit_to_running")) && cohort ? await setUpAgents(cohort.url, AGENTS) : undefined;
  const claims = runs("agent_claims") && agents ? await measureClaims(agents, mode.claimJobs) : undefined;
  if (claims) log(formatClaims(claims).replace(/ +/, ": "));
  const submitToRunning =
    runs("submit_to_running") && agents ? await measureSubmitToRunning(agents, IDLE_AGENTS, JOBS_PER_IDLE_AGENT) : undefined;
  if (submitToRunning) log(formatSubmitToRunning(submitToRunning).replace(/ +/, ": "));
  ceiling?.stop();
  cohort?.stop();
  peer?.stop();
  peerWorkerd?.worker.stop();
  if (only || !costs || !bundle || !fanout || !transfer || !claims || !submitToRunning) {
    // Some scenarios only: no ratios, nothing written over the full run's results.
    process.stdout.write(`${formatLoads(loads)}\n`);
    if (fanout) process.stdout.write(`${formatFanout(fanout)}\n`);
    if (transfer) process.stdout.write(`${formatTransfer(transfer.figures)}\n${JSON.stringify(transfer.details)}\n`);
    if (claims) process.stdout.write(`${formatClaims(claims)}\n`);
    if (submitToRunning) process.stdout.write(`${formatSubmitToRunning(submitToRunning)}\n`);
    log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; --only writes no results`);
    return;
  }
  // After the loads, on a machine we no longer load: the profile is CPU time.
  log("start-up profile");
  const startup = await measureStartup(workDir, cohortConfig);

  const listPages = listMembersPages("", 1_000).length;
  const results = buildResults(
    loads,
    costs,
    bundle.gzipKib,
    { listPages },
    { fanout, transfer: transfer.figures, claims, submitToRunning },
  );
  const resultsDir = join(ROOT, "bench", "results");
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, "latest.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(
    join(resultsDir, "latest-details.json"),
    `${JSON.stringify(
      {
        at: new Date().toISOString(),
        mode: quick ? "quick" : "full",
        path: "each Worker's own socket inside local workerd (wrangler dev's userWorkerUrl), bypassing wrangler dev's proxy",
        connections: CONNECTIONS,
        warmup_seconds: mode.warmupSeconds,
        duration_seconds: mode.durationSeconds,
        machine: {
          cpus: cpus().length,
          cpu_model: cpus()[0]?.model ?? "",
          memory_gib: Math.round(totalmem() / 2 ** 30),
          node: process.version,
        },
        bundle: { ...bundle, startup },
        peer_workerd: { list_members_page: PEER_WORKERD_PAGE, list_pages_per_1k: listPages, figures: "per page" },
        loads: Object.fromEntries(SCENARIOS.map((name) => [name, loads[name]])),
        costs,
        live_fanout: { ...fanout, org_members: 16, change: "PATCH /api/orgs/:id (the Owner, a cookie), one at a time" },
        volume_transfer: {
          ...transfer.details,
          memory_measures:
            "VmRSS/VmHWM of the workerd process wrangler dev runs (Worker, objects, local D1 and R2 together), not the isolate's heap",
        },
        agent_claims: {
          ...claims,
          loop: "POST /api/agent/claim then POST …/finish, 16 agents of the Owner's machines, until each gets a 204",
        },
        submit_to_running: {
          ...submitToRunning,
          wait: "as cli/src/agent/loop.js: claim; on 204 sleep the poll interval; jobs pinned to each agent's machine",
        },
      },
      null,
      2,
    )}\n`,
  );
  process.stdout.write(`${formatTables(results, costs)}\n`);
  process.stdout.write(
    `${"startup_active_ms".padEnd(24)} ${"activeMs" in startup ? startup.activeMs : `unavailable (${startup.unavailable})`}\n`,
  );
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; bench/results/latest.json written`);
  if (bundle.gzipKib > BUNDLE_BUDGET_GZIP_KIB) {
    log(`the bundle is ${bundle.gzipKib} KiB gzip, over its budget of ${BUNDLE_BUDGET_GZIP_KIB} KiB`);
    process.exitCode = 1;
  }
}

try {
  await main();
} finally {
  stopAll();
  if (!flags.keep) rmSync(workDir, { recursive: true, force: true });
}
