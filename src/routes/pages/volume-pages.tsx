import { Hono, type Context } from "hono";
import { createDb } from "../../db/client";
import { listFiles, usedBytes } from "../../db/volume-file-queries";
import { findVolume, listVolumes, type VolumeRecord } from "../../db/volume-queries";
import { checkPath, decodeCursor, encodeCursor, MIB, parseContentLength, pathToUrl } from "../../domain/volume-file";
import { volumeSchema } from "../../domain/volume";
import { orgClient } from "../../services/org-client";
import { AppError } from "../../errors";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { VolumesPage } from "../../views/volumes-page";
import { deleteFile, deleteVolumeBlobs, putFile } from "../../services/volume-files";
import { VolumeFilesPage } from "../../views/volume-files-page";
import { parseWith } from "../json-body";
import { actThen, redirectWithFlash } from "./flash";
import { readForm, refusalOf, refusedForm, type RefusalStatus } from "./form";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps, numberField } from "./page-props";

const VOLUME_MESSAGES = { name: "Enter a name of 1 to 100 characters.", sizeGb: "Enter a whole number of GB, at least 1." };

async function renderVolumes(c: Context<MemberEnv>, form: FormState) {
  const { user, org } = c.var.member;
  const volumes = await listVolumes(createDb(c.env.DB), org.id, user.id);
  return c.render(<VolumesPage volumes={volumes} form={form} />, memberPageProps(c, "Volumes", "volumes"));
}

/**
 * The form buffers the file (the runtime parses multipart bodies whole), so the page takes
 * files up to 32 MiB; the API's PUT streams up to 100 MiB and resumable uploads go beyond.
 */
const PAGE_UPLOAD_BYTES = 32 * MIB;
const FILES_PER_PAGE = 100;

/** The member's own volume, else the contract's 404 (not in this org) or 403 (another member's). */
async function ownVolume(c: Context<MemberEnv>): Promise<VolumeRecord> {
  const { user, org } = c.var.member;
  const volume = await findVolume(createDb(c.env.DB), org.id, c.req.param("volumeId") ?? "");
  if (!volume) throw new AppError("not_found");
  if (volume.ownerId !== user.id) throw new AppError("forbidden", "Only the volume's owner reads or writes its files.");
  return volume;
}

async function renderVolumeFiles(c: Context<MemberEnv>, volume: VolumeRecord, form: FormState) {
  const { org } = c.var.member;
  const db = createDb(c.env.DB);
  const cursor = decodeCursor(c.req.query("cursor") ?? "") ?? undefined;
  const [page, used] = await Promise.all([
    listFiles(db, volume.id, { prefix: "", cursor, limit: FILES_PER_PAGE }),
    usedBytes(db, volume.id),
  ]);
  const base = `/volumes/${encodeURIComponent(volume.id)}`;
  return c.render(
    <VolumeFilesPage
      volume={volume}
      files={page.files}
      usedBytes={used}
      downloadHref={(path) => `/api/orgs/${encodeURIComponent(org.id)}/volumes/${encodeURIComponent(volume.id)}/files/${pathToUrl(path)}`}
      nextHref={page.more ? `${base}?cursor=${encodeCursor(page.files.at(-1)!.path)}` : null}
      maxUploadBytes={PAGE_UPLOAD_BYTES}
      form={form}
    />,
    memberPageProps(c, `Volume ${volume.name}`, "volumes"),
  );
}

/** `/volumes`: the member's own volumes, created and deleted here. */
export const volumePages = new Hono<MemberEnv>()
  .use(noStore, memberOnly, renderer)
  .get("/", (c) => renderVolumes(c, EMPTY_FORM))
  .post("/", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, ["name", "sizeGb"] as const);
    try {
      const input = parseWith(volumeSchema, { name: values.name, sizeGb: numberField(values.sizeGb) });
      const { volume } = await orgClient(c.env, org.id, { actorId: user.id }).createVolume({ volume: input });
      return redirectWithFlash(c, "/volumes", { kind: "success", text: `Volume ${volume.name} is created.` });
    } catch (error) {
      const form = refusedForm(c, error, values, { messages: VOLUME_MESSAGES });
      return renderVolumes(c, form);
    }
  })
  .get("/:volumeId", async (c) => renderVolumeFiles(c, await ownVolume(c), EMPTY_FORM))
  .post("/:volumeId/files", async (c) => {
    const { user, org } = c.var.member;
    const volume = await ownVolume(c);
    const back = `/volumes/${encodeURIComponent(volume.id)}`;
    const refuse = (field: "file" | "path", message: string, status: RefusalStatus, path = "") => {
      c.status(status);
      return renderVolumeFiles(c, volume, { values: { path }, errors: { [field]: message } });
    };
    const length = parseContentLength(c.req.header("Content-Length"));
    if (length !== null && length > PAGE_UPLOAD_BYTES + MIB)
      return refuse("file", `Choose a file of at most 32 MiB here; use the CLI for larger files.`, 413);
    const body = await c.req.parseBody();
    const file = body.file;
    const typed = typeof body.path === "string" ? body.path.trim() : "";
    if (!(file instanceof File) || file.name === "") return refuse("file", "Choose a file to upload.", 400, typed);
    if (file.size > PAGE_UPLOAD_BYTES)
      return refuse("file", `Choose a file of at most 32 MiB here; use the CLI for larger files.`, 413, typed);
    const path = typed === "" ? file.name : typed;
    const check = checkPath(path);
    if (!check.ok) return refuse("path", check.message, 400, typed);
    try {
      const { created } = await putFile(
        c.env,
        { orgId: org.id, actorId: user.id },
        { volumeId: volume.id, path, size: file.size, expectedSha256: null, body: file.stream() },
      );
      return redirectWithFlash(c, back, { kind: "success", text: `${path} is ${created ? "uploaded" : "replaced"}.` });
    } catch (error) {
      const refusal = refusalOf(error);
      return refuse("file", refusal.message, refusal.status === 409 ? 409 : 400, typed);
    }
  })
  .post("/:volumeId/files/delete", async (c) => {
    const { user, org } = c.var.member;
    const volume = await ownVolume(c);
    const path = c.req.query("path") ?? "";
    const back = `/volumes/${encodeURIComponent(volume.id)}`;
    return actThen(c, back, async () => {
      await deleteFile(c.env, { orgId: org.id, actorId: user.id }, volume.id, path);
      return `${path} is deleted.`;
    });
  })
  .post("/:volumeId/delete", (c) => {
    const { user, org } = c.var.member;
    return actThen(c, "/volumes", async () => {
      const { deleted, multiparts } = await orgClient(c.env, org.id, { actorId: user.id }).deleteVolume({
        volumeId: c.req.param("volumeId"),
      });
      await deleteVolumeBlobs(c.env, deleted, multiparts);
      return "The volume is deleted.";
    });
  });
