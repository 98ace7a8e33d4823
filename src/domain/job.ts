import { z } from "zod";
import { queryInt } from "./strict-input";

export const JOB_LIMITS = {
  argvItems: 64,
  argvChars: 4096,
  envNames: 64,
  envNameChars: 256,
  envValueChars: 4096,
  volumes: 8,
  timeoutMin: 1,
  timeoutMax: 604_800,
  timeoutDefault: 86_400,
  listDefault: 50,
  listMax: 100,
  /** Lines one agent request may send. */
  logLinesPerRequest: 1000,
  /** Characters of one log line; a longer one is refused (the agent splits it). */
  logLineChars: 16_384,
  /** Lines kept per job: the first ones; later lines are dropped and counted (docs/jobs.md). */
  logLinesPerJob: 10_000,
  /** Lines one page of `GET …/logs` answers. */
  logPage: 1000,
} as const;

/** A lease lasts this long from the claim or the last heartbeat. */
export const LEASE_MS = 60_000;
/** Runs a job gets: a lease that lapses on the last one fails it as `lost`. */
export const MAX_ATTEMPTS = 3;

export const JOB_STATES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobFailure = "exit_code" | "timeout" | "lost";
export const FINISHED_STATES: readonly JobState[] = ["succeeded", "failed", "cancelled"];

export function isFinished(state: JobState): boolean {
  return FINISHED_STATES.includes(state);
}

const ENV_NAME = /^[A-Z_][A-Z0-9_]*$/;
const id = z.string().min(1).max(100);

export const submitJobSchema = z.strictObject({
  projectId: id,
  command: z.array(z.string().min(1).max(JOB_LIMITS.argvChars)).min(1).max(JOB_LIMITS.argvItems),
  machineId: id.optional(),
  volumeIds: z
    .array(id)
    .max(JOB_LIMITS.volumes)
    .optional()
    .default([])
    .refine((ids) => new Set(ids).size === ids.length, "Each volume once."),
  env: z
    .record(
      z.string().max(JOB_LIMITS.envNameChars).regex(ENV_NAME, "Names are [A-Z_][A-Z0-9_]*."),
      z.string().max(JOB_LIMITS.envValueChars),
    )
    .optional()
    .default({})
    .refine((env) => Object.keys(env).length <= JOB_LIMITS.envNames, `At most ${JOB_LIMITS.envNames} names.`),
  timeoutSeconds: z.number().int().min(JOB_LIMITS.timeoutMin).max(JOB_LIMITS.timeoutMax).optional().default(JOB_LIMITS.timeoutDefault),
});
export type SubmitJob = z.output<typeof submitJobSchema>;

export const jobsQuerySchema = z.object({
  state: z.enum(JOB_STATES).optional(),
  mine: z.enum(["1", "true", "0", "false", ""]).optional(),
  cursor: z.string().max(64).optional(),
  limit: queryInt(1, JOB_LIMITS.listMax, JOB_LIMITS.listDefault),
});

/**
 * `POST /api/agent/claim?wait=N`: with nothing to run, hold the answer up to N seconds (≤ 25)
 * until jobs change, then answer 204 with `Cohort-Jobs-Changed: 1` (claim again now); 0 or
 * absent answers 204 at once.
 */
export const JOBS_CHANGED_HEADER = "Cohort-Jobs-Changed";
export const CLAIM_WAIT_MAX_SECONDS = 25;
export const claimQuerySchema = z.object({ wait: queryInt(0, CLAIM_WAIT_MAX_SECONDS, 0) });

export const logsQuerySchema = z.object({
  cursor: z
    .string()
    .regex(/^[0-9]{1,15}$/)
    .optional()
    .or(z.literal("")),
});

const leaseToken = z.string().min(1).max(200);
export const leaseSchema = z.strictObject({ leaseToken });
export const agentLogsSchema = z.strictObject({
  leaseToken,
  lines: z
    .array(z.strictObject({ stream: z.enum(["stdout", "stderr"]), text: z.string().max(JOB_LIMITS.logLineChars) }))
    .max(JOB_LIMITS.logLinesPerRequest),
});
export const finishSchema = z.strictObject({
  leaseToken,
  exitCode: z.number().int().min(-2_147_483_648).max(4_294_967_295).nullable(),
  failure: z.literal("timeout").optional(),
});
export type LogLine = z.output<typeof agentLogsSchema>["lines"][number];

/** How a finished run ends: a requested cancel wins, then the agent's timeout, then the exit code. */
export function finishOutcome(input: { cancelRequested: boolean; exitCode: number | null; failure?: "timeout" | undefined }): {
  state: JobState;
  failure: JobFailure | null;
} {
  if (input.cancelRequested) return { state: "cancelled", failure: null };
  if (input.failure === "timeout") return { state: "failed", failure: "timeout" };
  if (input.exitCode === 0) return { state: "succeeded", failure: null };
  return { state: "failed", failure: "exit_code" };
}

/** Finished jobs and their logs are kept this long after they finish, then purged. */
export const JOB_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

// Env values are given back to the claiming agent, so they are sealed (AES-GCM) rather than hashed.
const encoder = new TextEncoder();
const sealKeys = new Map<string, Promise<CryptoKey>>();

function sealKey(secret: string): Promise<CryptoKey> {
  let key = sealKeys.get(secret);
  if (!key) {
    key = (async () => {
      const material = await crypto.subtle.digest("SHA-256", encoder.encode(`cohort job env v1\0${secret}`));
      return crypto.subtle.importKey("raw", material, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
    })();
    sealKeys.set(secret, key);
  }
  return key;
}

const toBase64 = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes));
const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** `iv.ciphertext` in base64; the job id is bound as associated data, so a sealed env cannot be moved to another job. */
export async function sealEnv(secret: string, jobId: string, env: Record<string, string>): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = encoder.encode(JSON.stringify(env));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: encoder.encode(jobId) }, await sealKey(secret), data),
  );
  let binary = "";
  for (let i = 0; i < sealed.length; i += 8192) binary += String.fromCharCode(...sealed.subarray(i, i + 8192));
  return `${toBase64(iv)}.${btoa(binary)}`;
}

export async function unsealEnv(secret: string, jobId: string, sealed: string): Promise<Record<string, string>> {
  const [iv, data] = sealed.split(".");
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv!), additionalData: encoder.encode(jobId) },
    await sealKey(secret),
    fromBase64(data!),
  );
  return JSON.parse(new TextDecoder().decode(plain)) as Record<string, string>;
}
