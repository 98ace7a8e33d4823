import { z } from "zod";
import { queryInt } from "./strict-input";

export const LIMITS = {
  name: 100,
  website: 200,
  shortField: 100,
  description: 500,
  hostname: 253,
  maxGpus: 1024,
  eventsDefault: 50,
  eventsMax: 100,
} as const;

function isHttpUrl(value: string): boolean {
  if (!URL.canParse(value)) return false;
  const url = new URL(value);
  return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
}

const name = z.string().trim().min(1, "Required.").max(LIMITS.name);
const shortField = z.string().trim().max(LIMITS.shortField);
const website = z
  .string()
  .trim()
  .max(LIMITS.website)
  .refine((value) => value === "" || isHttpUrl(value), "Must be an absolute http: or https: URL, or empty.");

const optionalFields = {
  website: website.optional(),
  location: shortField.optional(),
  sector: shortField.optional(),
  universityName: shortField.optional(),
  description: z.string().trim().max(LIMITS.description).optional(),
};

/** `POST /api/orgs`: a name, and any other profile field. Unknown fields are refused. */
export const createOrgSchema = z.strictObject({ name, ...optionalFields });

/** `PATCH /api/orgs/:orgId`: any subset of the profile, each field as valid as on create. */
export const profilePatchSchema = z.strictObject({ name: name.optional(), ...optionalFields });

export type ProfileInput = z.output<typeof createOrgSchema>;
export type ProfilePatch = z.output<typeof profilePatchSchema>;

export interface OrgProfile {
  name: string;
  website: string;
  location: string;
  sector: string;
  universityName: string;
  description: string;
}

export const PROFILE_FIELDS = ["name", "website", "location", "sector", "universityName", "description"] as const;

/** The fields a patch would really change: an unchanged value is no edit. */
export function changedFields(current: OrgProfile, patch: ProfilePatch): Partial<OrgProfile> {
  const changes: Partial<OrgProfile> = {};
  for (const field of PROFILE_FIELDS) {
    const value = patch[field];
    if (value !== undefined && value !== current[field]) changes[field] = value;
  }
  return changes;
}

export const roleChangeSchema = z.strictObject({ role: z.enum(["admin", "user"]) });

/** The typed confirmation is compared exactly (no trimming): it must be what the person typed. */
export const transferSchema = z.strictObject({
  userId: z.string().min(1).max(100),
  confirmOrgName: z.string().max(1000),
  confirmUsername: z.string().max(1000),
});

/** `?cursor=&limit=` of the audit log; an empty cursor is the first page. */
export const eventsQuerySchema = z.object({
  cursor: z
    .string()
    .max(64)
    .optional()
    .transform((cursor) => (cursor ? cursor : undefined)),
  limit: queryInt(1, LIMITS.eventsMax, LIMITS.eventsDefault),
});
