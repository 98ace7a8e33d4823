import { Hono } from "hono";
import { createDb } from "../db/client";
import { findProject, listProjects, publicProject } from "../db/project-queries";
import { createProjectSchema, declaredLength, expectedSha256, PROJECT_LIMITS } from "../domain/project";
import type { AppEnv } from "../env";
import { AppError } from "../errors";
import { readArchive, uploadArchive } from "../services/project-archive";
import { jsonBody } from "./json-body";
import { orgCommand, requireMember } from "./org-access";

export const projectRoutes = new Hono<AppEnv>()
  .post("/:orgId/projects", async (c) => {
    requireMember(c);
    const input = await jsonBody(c, createProjectSchema);
    const { org } = await orgCommand(c, input);
    const { project } = await org.createProject({ project: input });
    return c.json({ project }, 201);
  })
  .get("/:orgId/projects", async (c) => {
    const { orgId } = requireMember(c);
    return c.json({ projects: await listProjects(createDb(c.env.DB), orgId) });
  })
  .get("/:orgId/projects/:projectId", async (c) => {
    const { orgId } = requireMember(c);
    const project = await findProject(createDb(c.env.DB), orgId, c.req.param("projectId"));
    if (!project) throw new AppError("not_found", "No such project.");
    return c.json({ project: publicProject(project) });
  })
  .put("/:orgId/projects/:projectId/archive", async (c) => {
    const { orgId, actorId } = requireMember(c);
    // Everything about the headers is answered before a byte of the body is read.
    const length = declaredLength(c.req.header("Content-Length"), PROJECT_LIMITS.archiveBytes);
    if (!length.ok) throw new AppError(length.problem.code, length.problem.message);
    const digest = expectedSha256(c.req.header("Content-Digest"));
    if (!digest.ok) throw new AppError(digest.problem.code, digest.problem.message);
    const project = await uploadArchive(c.env, {
      orgId,
      actorId,
      projectId: c.req.param("projectId"),
      body: c.req.raw.body,
      length: length.length,
      expectedSha256: digest.sha256,
    });
    return c.json({ project });
  })
  .get("/:orgId/projects/:projectId/archive", async (c) => {
    const { orgId } = requireMember(c);
    const project = await findProject(createDb(c.env.DB), orgId, c.req.param("projectId"));
    if (!project) throw new AppError("not_found", "No such project.");
    return readArchive(c.env, project.archive && { key: project.archiveKey, size: project.archive.size, sha256: project.archive.sha256 });
  })
  .delete("/:orgId/projects/:projectId", async (c) => {
    const { org } = await orgCommand(c);
    await org.deleteProject({ projectId: c.req.param("projectId") });
    return c.body(null, 204);
  });
