import { join } from "node:path";
import { bulkAccounts, fillerMembers, writeSql } from "./bulk-accounts.ts";
import { CohortApi, type Caller } from "./cohort-api.ts";
import { executeSql, type DevWorker } from "./wrangler-dev.ts";

export interface MutationOrg {
  orgId: string;
  owner: Caller;
  memberIds: string[];
  memberTokens: string[];
}

export interface CohortSeed {
  me: Caller;
  redeem: { orgId: string; attempts: { token: string; code: string }[] };
  members1k: { orgId: string; owner: Caller };
  members10k: { orgId: string; owner: Caller };
  oneOrg: MutationOrg;
  eightOrgs: MutationOrg[];
}

export interface SeedSizes {
  redeemPool: number;
  membersPerMutationOrg: number;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function pool<T, R>(items: T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        out[index] = await work(items[index]!, index);
      }
    }),
  );
  return out;
}

/**
 * Seeds Cohort through its public API: owners sign up, create their orgs and make join codes;
 * members of the mutation orgs join with codes. Only account rows (users with API tokens) and
 * the filler members of the 1k and 10k orgs go straight into D1 (see bench/README.md).
 */
export async function seedCohort(
  worker: DevWorker,
  workDir: string,
  codeHashSecret: string,
  sizes: SeedSizes,
  log: (message: string) => void,
): Promise<CohortSeed> {
  const api = new CohortApi(worker.url);
  const ownerNames = ["redeemowner", "bigowner", "hugeowner", "oneowner", ...Array.from({ length: 8 }, (_, i) => `eightowner${i}`)];
  const owners = await pool(ownerNames, 4, (name, i) => api.signUp(name, `10.0.0.${i + 1}`));
  const ownerCallers: Caller[] = owners.map((owner) => ({ cookie: owner.cookie }));
  const orgIds = await pool(ownerCallers, 4, (owner, i) => api.createOrg(owner, `Bench ${ownerNames[i]}`));
  const [redeemOrg, bigOrg, hugeOrg, ...mutationOrgIds] = orgIds as [string, string, string, ...string[]];
  log("Cohort: owners signed up, orgs created");

  const mutationCount = mutationOrgIds.length * sizes.membersPerMutationOrg;
  const redeemers = await bulkAccounts("redeemer", sizes.redeemPool, codeHashSecret);
  const mutators = await bulkAccounts("mutator", mutationCount, codeHashSecret);
  const sqlFile = join(workDir, "cohort-bulk.sql");
  writeSql(sqlFile, [...redeemers.sql, ...mutators.sql, ...fillerMembers("big", bigOrg, 999), ...fillerMembers("huge", hugeOrg, 9_999)]);
  await executeSql(worker, sqlFile);
  log("Cohort: accounts and filler members written to D1");

  const redeemOwner = ownerCallers[0]!;
  const redeemCodes = await api.createCodes(redeemOwner, redeemOrg, sizes.redeemPool);
  log("Cohort: codes to redeem made");
  const mutationOrgs: MutationOrg[] = await pool(mutationOrgIds, mutationOrgIds.length, async (orgId, k) => {
    const owner = ownerCallers[3 + k]!;
    const members = mutators.accounts.slice(k * sizes.membersPerMutationOrg, (k + 1) * sizes.membersPerMutationOrg);
    const codes = await api.createCodes(owner, orgId, members.length);
    await pool(members, 2, (member, i) => api.join({ token: member.token }, codes[i]!));
    return { orgId, owner, memberIds: members.map((member) => member.id), memberTokens: members.map((member) => member.token) };
  });

  log("Cohort: members of the mutation orgs joined");
  const seed: CohortSeed = {
    me: mutationOrgs[0]!.owner,
    redeem: { orgId: redeemOrg, attempts: redeemers.accounts.map((account, i) => ({ token: account.token, code: redeemCodes[i]! })) },
    members1k: { orgId: bigOrg, owner: ownerCallers[1]! },
    members10k: { orgId: hugeOrg, owner: ownerCallers[2]! },
    oneOrg: mutationOrgs[0]!,
    eightOrgs: mutationOrgs.slice(1),
  };
  await verifyMemberCount(api, seed.members1k, 1_000);
  await verifyMemberCount(api, seed.members10k, 10_000);
  return seed;
}

async function verifyMemberCount(api: CohortApi, org: { orgId: string; owner: Caller }, expected: number): Promise<void> {
  const { body } = await api.expect<{ members: unknown[] }>(200, "GET", `/api/orgs/${org.orgId}/members`, undefined, org.owner);
  if (body.members.length !== expected) throw new Error(`org ${org.orgId} lists ${body.members.length} members, expected ${expected}`);
}
