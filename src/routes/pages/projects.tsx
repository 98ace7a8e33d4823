import { Hono, type Context } from "hono";
import { createDb } from "../../db/client";
import { listProjectsWithOwners } from "../../db/project-queries";
import { createProjectSchema, PROJECT_LIMITS } from "../../domain/project";
import { orgClient } from "../../services/org-client";
import { AppError } from "../../errors";
import { uploadArchive } from "../../services/project-archive";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { ProjectsPage } from "../../views/projects-page";
import { parseWith } from "../json-body";
import { actThen, redirectWithFlash } from "./flash";
import { readForm, refusedForm } from "./form";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps } from "./page-props";

const MESSAGES = { name: "Enter a name of 1 to 100 characters.", description: "Use up to 500 characters." };

/** Room for the multipart framing around the file, on top of the archive's own cap. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

async function renderProjects(c: Context<MemberEnv>, form: FormState) {
  const { user, org } = c.var.member;
  const projects = await listProjectsWithOwners(createDb(c.env.DB), org.id);
  return c.render(
    <ProjectsPage projects={projects} orgId={org.id} viewerId={user.id} form={form} />,
    memberPageProps(c, "Projects", "projects"),
  );
}

/**
 * The uploaded file of the form, under the archive cap. The form is parsed only after its
 * Content-Length shows it can hold no more than the cap, so an oversized upload is refused
 * before it is read; the File is then streamed to R2 like the API's raw bytes.
 */
async function archiveFile(c: Context<MemberEnv>): Promise<File> {
  const declared = Number(c.req.header("Content-Length") ?? Number.NaN);
  if (!Number.isFinite(declared)) throw new AppError("invalid_request", "The upload did not say its length.");
  if (declared > PROJECT_LIMITS.archiveBytes + FORM_OVERHEAD_BYTES) throw new AppError("too_large", "An archive may be at most 100 MiB.");
  const form = await c.req.raw.formData().catch(() => {
    throw new AppError("invalid_request", "Send the archive as a file in a multipart form.");
  });
  const file = form.get("archive");
  if (!(file instanceof File) || file.name === "") throw new AppError("invalid_request", "Choose an archive file to upload.");
  if (file.size > PROJECT_LIMITS.archiveBytes) throw new AppError("too_large", "An archive may be at most 100 MiB.");
  return file;
}

/** `/projects`: every project of the org; create, and upload to or delete one's own. */
export const projectPages = new Hono<MemberEnv>()
  .use(noStore, memberOnly, renderer)
  .get("/", (c) => renderProjects(c, EMPTY_FORM))
  .post("/", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, ["name", "description"] as const);
    try {
      const input = parseWith(createProjectSchema, values);
      const { project } = await orgClient(c.env, org.id, { actorId: user.id }).createProject({ project: input });
      return redirectWithFlash(c, "/projects", { kind: "success", text: `Project ${project.name} is created.` });
    } catch (error) {
      const form = refusedForm(c, error, values, { messages: MESSAGES, fieldOf: (e) => (e.code === "conflict" ? "name" : undefined) });
      return renderProjects(c, form);
    }
  })
  .post("/:projectId/archive", (c) => {
    const { user, org } = c.var.member;
    // A refused upload (gone already, not yours, too large) is said in a flash on the list.
    return actThen(c, "/projects", async () => {
      const file = await archiveFile(c);
      await uploadArchive(c.env, {
        orgId: org.id,
        actorId: user.id,
        projectId: c.req.param("projectId"),
        body: file.stream(),
        length: file.size,
      });
      return "The archive is uploaded.";
    });
  })
  .post("/:projectId/delete", (c) => {
    const { user, org } = c.var.member;
    return actThen(c, "/projects", async () => {
      await orgClient(c.env, org.id, { actorId: user.id }).deleteProject({ projectId: c.req.param("projectId") });
      return "The project is deleted.";
    });
  });
