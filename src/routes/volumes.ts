import { Hono } from "hono";
import { createDb } from "../db/client";
import { listVolumes } from "../db/volume-queries";
import { maySeeAllVolumes } from "../domain/membership";
import { volumeSchema, wantsAll } from "../domain/volume";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { deleteVolumeBlobs } from "../services/volume-files";
import { jsonBody } from "./json-body";
import { orgCommand, requireMember } from "./org-access";

export const volumeRoutes = new Hono<AppEnv>()
  .post("/:orgId/volumes", async (c) => {
    requireMember(c);
    const input = await jsonBody(c, volumeSchema);
    const { org } = await orgCommand(c, input);
    const { volume } = await org.createVolume({ volume: input });
    return c.json({ volume }, 201);
  })
  .get("/:orgId/volumes", async (c) => {
    const { orgId, actorId, role } = requireMember(c);
    const all = wantsAll(c.req.query("all"));
    if (all && !maySeeAllVolumes(role)) throw new AppError("forbidden", "Only Admins and the Owner can list every volume.");
    return c.json({ volumes: await listVolumes(createDb(c.env.DB), orgId, all ? undefined : actorId) });
  })
  .delete("/:orgId/volumes/:volumeId", async (c) => {
    const { org } = await orgCommand(c);
    const { deleted, multiparts } = await org.deleteVolume({ volumeId: c.req.param("volumeId") });
    await deleteVolumeBlobs(c.env, deleted, multiparts);
    return c.body(null, 204);
  });
