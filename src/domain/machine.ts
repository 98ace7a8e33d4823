import { z } from "zod";
import { LIMITS } from "./org-profile";

const name = z.string().trim().min(1, "Required.").max(LIMITS.name);

/** `POST /machines`: `shared` says whether other members' jobs may run on it. */
export const machineSchema = z.strictObject({
  name,
  hostname: z.string().trim().max(LIMITS.hostname).optional().default(""),
  gpus: z.number().int().min(0).max(LIMITS.maxGpus).optional().default(0),
  shared: z.boolean().optional().default(false),
});

/** `PATCH /machines/:id`: the name and the sharing, each as valid as on create. */
export const machinePatchSchema = z.strictObject({ name: name.optional(), shared: z.boolean().optional() });

export type MachineInput = z.output<typeof machineSchema>;
export type MachinePatch = z.output<typeof machinePatchSchema>;

export const AGENT_TOKEN_PREFIX = "coh_agent_";

/** `lastSeenAt` is written at most this often per machine: a busy agent does not write on every request. */
export const LAST_SEEN_EVERY_MS = 30_000;

/** Whether a job of `submitterId` may run on a machine: the submitter's own, or one its owner shares. */
export function mayRunOn(submitterId: string, machine: { ownerId: string; shared: boolean }): boolean {
  return machine.ownerId === submitterId || machine.shared;
}
