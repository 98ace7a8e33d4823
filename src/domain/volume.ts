import { z } from "zod";
import { LIMITS } from "./org-profile";

/** 2^20 GiB: a volume's size is capacity it reserves, so it is bounded. */
export const MAX_VOLUME_GB = 1_048_576;

export const volumeSchema = z.strictObject({
  name: z.string().trim().min(1, "Required.").max(LIMITS.name),
  sizeGb: z.number().int().min(1).max(MAX_VOLUME_GB),
});

export type VolumeInput = z.output<typeof volumeSchema>;

/** `?all=1` (or `true`) on the volume list asks for every volume of the org. */
export function wantsAll(value: string | undefined): boolean {
  return value === "1" || value === "true";
}
