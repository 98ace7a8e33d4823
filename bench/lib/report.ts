import type { OperationCost } from "./counts.ts";
import type { FanoutFigures } from "./live-fanout.ts";
import type { LoadResult } from "./load-spec.ts";
import type { ClaimFigures, SubmitToRunningFigures } from "./agent-jobs.ts";
import type { TransferFigures } from "./volume-transfer.ts";

export const SCENARIOS = [
  "ceiling_noop",
  "ceiling_read",
  "ceiling_io",
  "me",
  "redeem",
  "members_1k",
  "members_10k",
  "mutations_one_org",
  "mutations_8_orgs",
  "peer_list_members",
  "peer_accept_invite",
  "redeem_floor",
  "me_floor",
  "role_change_floor",
  "peer_workerd_list_members",
  "peer_workerd_accept_invite",
] as const;

/**
 * Our own ceiling on the gzip bundle (Cloudflare allows 3 MiB free, 10 MiB paid): start-up
 * parses all of it on a cold isolate, so growth past this needs a reason. A run over it fails.
 */
export const BUNDLE_BUDGET_GZIP_KIB = 350;

export type Scenario = (typeof SCENARIOS)[number];
export type Figures = Pick<LoadResult, "rps" | "p50_ms" | "p99_ms" | "errors">;

export interface Results extends Record<Scenario, Figures> {
  rows_read: Record<string, number>;
  rows_written: Record<string, number>;
  bundle_gzip_kib: number;
  ratios: {
    redeem_over_ceiling_io: number;
    me_over_ceiling_read: number;
    members_1k_over_peer: number;
    redeem_over_peer_accept: number;
    eight_orgs_over_one: number;
    redeem_over_floor: number;
    me_over_floor: number;
    redeem_over_peer_workerd_accept: number;
    members_1k_over_peer_workerd: number;
  };
  /** Sequential remote round trips on the way to the response (bench/README.md, "Depth"). */
  depth: { redeem: number; me: number; role_change: number };
  /** Calls per redemption to objects that every redemption shares. */
  global_object_calls: { redeem: number };
  /** One profile change reaching 100 open live sockets (lib/live-fanout.ts). */
  live_fanout_100: FanoutFigures;
  /** A 64 MiB volume file up and down through Cohort, beside the ceiling's raw R2 (lib/volume-transfer.ts). */
  volume_transfer_64mib: TransferFigures;
  /** 16 agents of one org claiming and finishing a queue until it is empty (lib/agent-jobs.ts). */
  agent_claims_16: ClaimFigures;
  /** From the POST that queues a job to an idle agent's claim of it, the agent polling as the CLI's does. */
  submit_to_running: SubmitToRunningFigures;
}

/** The measurements that are not loads, each its own `--only` name. */
export interface Measurements {
  fanout: FanoutFigures;
  transfer: TransferFigures;
  claims: ClaimFigures;
  submitToRunning: SubmitToRunningFigures;
}

/** The workerd peer lists 1,000 members in this many pages (lib/peer-workerd.ts). */
export interface PeerWorkerdShape {
  listPages: number;
}

function ratio(a: number, b: number): number {
  return b > 0 ? Math.round((a / b) * 100) / 100 : 0;
}

export function buildResults(
  loads: Record<Scenario, LoadResult>,
  costs: Record<string, OperationCost>,
  bundleGzipKib: number,
  peerWorkerd: PeerWorkerdShape,
  measured: Measurements,
): Results {
  const figures = Object.fromEntries(
    SCENARIOS.map((name) => {
      const { rps, p50_ms, p99_ms, errors } = loads[name];
      return [name, { rps, p50_ms, p99_ms, errors }];
    }),
  ) as Record<Scenario, Figures>;
  return {
    ...figures,
    rows_read: Object.fromEntries(Object.entries(costs).map(([operation, cost]) => [operation, cost.rowsRead])),
    rows_written: Object.fromEntries(Object.entries(costs).map(([operation, cost]) => [operation, cost.rowsWritten])),
    bundle_gzip_kib: bundleGzipKib,
    ratios: {
      redeem_over_ceiling_io: ratio(loads.redeem.rps, loads.ceiling_io.rps),
      me_over_ceiling_read: ratio(loads.me.rps, loads.ceiling_read.rps),
      members_1k_over_peer: ratio(loads.members_1k.rps, loads.peer_list_members.rps),
      redeem_over_peer_accept: ratio(loads.redeem.rps, loads.peer_accept_invite.rps),
      eight_orgs_over_one: ratio(loads.mutations_8_orgs.rps, loads.mutations_one_org.rps),
      redeem_over_floor: ratio(loads.redeem.rps, loads.redeem_floor.rps),
      me_over_floor: ratio(loads.me.rps, loads.me_floor.rps),
      redeem_over_peer_workerd_accept: ratio(loads.redeem.rps, loads.peer_workerd_accept_invite.rps),
      // Its figures are per page; a whole list of 1,000 takes listPages of them.
      members_1k_over_peer_workerd: ratio(loads.members_1k.rps, loads.peer_workerd_list_members.rps / peerWorkerd.listPages),
    },
    depth: { redeem: costs.redeem?.depth ?? 0, me: costs.me?.depth ?? 0, role_change: costs.role_promote?.depth ?? 0 },
    global_object_calls: { redeem: costs.redeem?.sharedObjectCalls ?? 0 },
    live_fanout_100: measured.fanout,
    volume_transfer_64mib: measured.transfer,
    agent_claims_16: measured.claims,
    submit_to_running: measured.submitToRunning,
  };
}

export function formatFanout(f: FanoutFigures): string {
  return `${pad("live_fanout_100", 32, true)} per socket p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms; last socket p50 ${f.last_p50_ms} ms, p99 ${f.last_p99_ms} ms; the change's own answer p50 ${f.answer_p50_ms} ms; ${f.changes} changes, ${f.lost} messages lost`;
}

export function formatTransfer(t: TransferFigures): string {
  const m = t.peak_rss_over_idle_mib;
  const r = t.peak_rss_rise_mib;
  return [
    `${pad("volume_transfer_64mib", 32, true)} upload ${t.upload_mib_s} MiB/s (ceiling's raw R2 ${t.ceiling_upload_mib_s}, ×${t.upload_over_ceiling}); download ${t.download_mib_s} MiB/s (ceiling ${t.ceiling_download_mib_s}, ×${t.download_over_ceiling}); median of ${t.repetitions}`,
    `${pad("  workerd peak RSS over idle", 32, true)} Cohort upload +${m.upload} MiB, download +${m.download} MiB; ceiling upload +${m.ceiling_upload} MiB, download +${m.ceiling_download} MiB`,
    `${pad("  largest rise in one transfer", 32, true)} Cohort upload +${r.upload} MiB, download +${r.download} MiB; ceiling upload +${r.ceiling_upload} MiB, download +${r.ceiling_download} MiB`,
  ].join("\n");
}

export function formatClaims(c: ClaimFigures): string {
  return `${pad("agent_claims_16", 32, true)} ${c.claims_per_s} claims/s by ${c.agents} agents over ${c.jobs} jobs (claim p50 ${c.claim_p50_ms} ms, p99 ${c.claim_p99_ms} ms); ${c.duplicates} claimed twice, ${c.missing} never; reference: ${c.submits_per_s} submits/s (p50 ${c.submit_p50_ms} ms) by as many submitters`;
}

export function formatSubmitToRunning(s: SubmitToRunningFigures): string {
  return `${pad("submit_to_running", 32, true)} p50 ${s.p50_ms} ms, p99 ${s.p99_ms} ms over ${s.jobs} jobs on ${s.agents} idle agents long-polling (claim ?wait=${s.claim_wait_s}); reference: the submit's answer p50 ${s.submit_answer_p50_ms} ms, a claim's p50 ${s.claim_answer_p50_ms} ms`;
}

function pad(value: string | number, width: number, left = false): string {
  const text = String(value);
  return left ? text.padEnd(width) : text.padStart(width);
}

/** The same figures as latest.json, as tables for a terminal. */
export function formatTables(results: Results, costs: Record<string, OperationCost>): string {
  const lines: string[] = [];
  lines.push(`${pad("scenario", 28, true)} ${pad("req/s", 9)} ${pad("p50 ms", 8)} ${pad("p99 ms", 8)} ${pad("errors", 7)}`);
  for (const name of SCENARIOS) {
    const f = results[name];
    lines.push(`${pad(name, 28, true)} ${pad(f.rps, 9)} ${pad(f.p50_ms, 8)} ${pad(f.p99_ms, 8)} ${pad(f.errors, 7)}`);
  }
  lines.push("");
  lines.push(
    `${pad("operation", 22, true)} ${pad("rows read", 10)} ${pad("written", 8)} ${pad("D1 calls", 9)} ${pad("depth", 6)} ${pad("DO writes", 10)}  DO calls`,
  );
  for (const [operation, cost] of Object.entries(costs)) {
    const objects =
      Object.entries(cost.doCalls)
        .map(([binding, n]) => `${binding} ${n}`)
        .join(", ") || "0";
    lines.push(
      `${pad(operation, 22, true)} ${pad(cost.rowsRead, 10)} ${pad(cost.rowsWritten, 8)} ${pad(cost.d1Queries, 9)} ${pad(cost.depth, 6)} ${pad(cost.doStorageWrites, 10)}  ${objects}`,
    );
  }
  lines.push("");
  lines.push(`bundle_gzip_kib ${results.bundle_gzip_kib} (budget ${BUNDLE_BUDGET_GZIP_KIB})`);
  for (const [name, value] of Object.entries(results.ratios)) lines.push(`${pad(name, 32, true)} ${value}`);
  lines.push(`${pad("depth", 32, true)} ${JSON.stringify(results.depth)}`);
  lines.push(`${pad("global_object_calls", 32, true)} ${JSON.stringify(results.global_object_calls)}`);
  lines.push(formatFanout(results.live_fanout_100));
  lines.push(formatTransfer(results.volume_transfer_64mib));
  lines.push(formatClaims(results.agent_claims_16));
  lines.push(formatSubmitToRunning(results.submit_to_running));
  return lines.join("\n");
}

/** The load figures alone, for a run of some scenarios (`--only`), which writes no results. */
export function formatLoads(loads: Partial<Record<Scenario, LoadResult>>): string {
  const lines = [`${pad("scenario", 28, true)} ${pad("req/s", 9)} ${pad("p50 ms", 8)} ${pad("p99 ms", 8)} ${pad("errors", 7)}`];
  for (const name of SCENARIOS) {
    const f = loads[name];
    if (f) lines.push(`${pad(name, 28, true)} ${pad(f.rps, 9)} ${pad(f.p50_ms, 8)} ${pad(f.p99_ms, 8)} ${pad(f.errors, 7)}`);
  }
  return lines.join("\n");
}
