import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { api } from "../support/client";
import { useFastWorker } from "../support/fast-worker";
import { signUpWithToken, type UserWithToken } from "../support/factories";
import { commandSequence, resolve } from "./generators";
import { joinWithCode } from "../support/join";
import { deleteAllOrgs } from "../support/org-state";
import { RealWorld, everything, expectedObservation, expectedStored, touched, type StoredState } from "./real-world";
import { apply, initialState, modelInvariantProblems, type ModelState } from "./reference-model";

// `scripts/model-10k.sh` runs the long version: VITE_MODEL_RUNS=10000 (and VITE_MODEL_SEED to replay).
const meta = import.meta as ImportMeta & { env?: Record<string, string | undefined> };
const RUNS = Number(meta.env?.VITE_MODEL_RUNS ?? "200");
const SEED = meta.env?.VITE_MODEL_SEED === undefined ? undefined : Number(meta.env.VITE_MODEL_SEED);
// An optional time budget in minutes: the run stops there and reports how many sequences ran.
const MINUTES = meta.env?.VITE_MODEL_MINUTES === undefined ? undefined : Number(meta.env.VITE_MODEL_MINUTES);
const POOL_SIZE = 5;

let pool: UserWithToken[] = [];

beforeAll(async () => {
  useFastWorker();
  pool = await Promise.all(Array.from({ length: POOL_SIZE }, (_, i) => signUpWithToken(`m${i}_`)));
}, 60_000);

function volumesIn(stored: StoredState, org: number): number {
  return (stored.volumes as { org: number | string }[]).filter((volume) => volume.org === org).length;
}

/** Each user's org as it is now, to look up after the state has moved on. */
function orgsNow(state: ModelState): (user: number) => number | undefined {
  const orgOf = new Map([...state.members].map(([user, membership]) => [user, membership.org]));
  return (user) => orgOf.get(user);
}

describe("the organization model", () => {
  it(
    "agrees with the Worker on every answer and every state, and the invariants hold after every step",
    async () => {
      let sequences = 0;
      let steps = 0;
      const answers = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(commandSequence(POOL_SIZE, 12), async (sequence) => {
          sequences += 1;
          if (RUNS > 1000 && sequences % 250 === 0) console.log(`model: ${sequences} sequences so far, ${steps} steps, 0 violations`);
          await deleteAllOrgs();
          const state = initialState(pool.map((user) => user.username));
          const world = new RealWorld(pool, joinWithCode);
          const log: string[] = [];
          let stored = await world.readD1();
          for (const raw of sequence) {
            const command = resolve(state, raw, POOL_SIZE);
            if (!command) continue;
            steps += 1;
            const orgBefore = orgsNow(state);
            const expected = apply(state, command);
            const reply = await world.run(state, command, raw.via);
            const answer = `${command.kind} ${expected.status}${expected.code ? ` ${expected.code}` : ""}`;
            answers.set(answer, (answers.get(answer) ?? 0) + 1);
            log.push(
              `${JSON.stringify(command)} via ${raw.via} → model ${expected.status} ${expected.code ?? ""}, worker ${reply.status} ${reply.code ?? ""}`,
            );
            const context = `\n${log.join("\n")}\nworker body: ${JSON.stringify(reply.raw.body)}`;

            expect({ status: reply.status, code: reply.code }, context).toEqual({ status: expected.status, code: expected.code });
            if (expected.created !== undefined) world.remember(command, expected.created, reply.id!);

            // The whole state and the invariants, read from D1 after every step.
            expect(modelInvariantProblems(state), context).toEqual([]);
            const now = await world.readD1();
            expect(now.violations, context).toEqual([]);
            expect(now.stored, context).toEqual(expectedStored(state));
            for (const [org, rule] of expected.audit) {
              const grew = (now.audit.get(org) ?? 0) - (stored.audit.get(org) ?? 0);
              if (rule === "none") expect(grew, `audit log of org ${org} grew${context}`).toBe(0);
              if (rule === "some") expect(grew, `audit log of org ${org} did not grow${context}`).toBeGreaterThan(0);
            }
            // Volumes are conserved: an org's count moves only by a volume made or deleted in it.
            const made =
              command.kind === "createVolume" && reply.status === 201
                ? 1
                : command.kind === "deleteVolume" && reply.status === 204
                  ? -1
                  : 0;
            state.orgs.forEach((_, org) => {
              const delta = volumesIn(now.stored, org) - volumesIn(stored.stored, org);
              expect(delta, `volume count of org ${org}${context}`).toBe("org" in command && command.org === org ? made : 0);
            });
            stored = now;
            // After a change, what the API shows of everyone and every org the command touched.
            if (reply.status < 400) {
              const scope = touched(orgBefore, command, state);
              expect(await world.observe(state, scope), context).toEqual(expectedObservation(state, scope));
            }
          }
          // And everything the API shows, to every user and every Owner, at the end of the sequence.
          expect(await world.observe(state), log.join("\n")).toEqual(expectedObservation(state, everything(state)));
        }),
        { numRuns: RUNS, seed: SEED, ...(MINUTES ? { interruptAfterTimeLimit: MINUTES * 60_000, markInterruptAsFailure: false } : {}) },
      );
      console.log(`model: ${sequences} sequences run (shrinking included), ${steps} steps, 0 violations`);
      console.log(
        [...answers]
          .sort()
          .map(([answer, n]) => `  ${answer}: ${n}`)
          .join("\n"),
      );
    },
    Math.max(300_000, RUNS * 3_000),
  );

  it("has a harness that notices when the Worker and the model disagree", async () => {
    await deleteAllOrgs();
    const state = initialState(pool.map((user) => user.username));
    const world = new RealWorld(pool, joinWithCode);
    const create = { kind: "createOrg" as const, actor: 0, body: { name: "Canary" } };
    const expected = apply(state, create);
    const reply = await world.run(state, create, "token");
    world.remember(create, expected.created!, reply.id!);
    expect(await world.observe(state)).toEqual(expectedObservation(state));
    expect((await world.readD1()).stored).toEqual(expectedStored(state));
    // A change the model did not make must show as a difference, both through the API and in D1.
    await api(`/api/orgs/${world.orgIds[0]}`, { method: "PATCH", body: { name: "Renamed" }, as: pool[0]!.token });
    expect(await world.observe(state)).not.toEqual(expectedObservation(state));
    expect((await world.readD1()).stored).not.toEqual(expectedStored(state));
  });
});
