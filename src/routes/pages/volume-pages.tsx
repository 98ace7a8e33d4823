import { Hono, type Context } from "hono";
import { createDb } from "../../db/client";
import { listVolumes } from "../../db/volume-queries";
import { volumeSchema } from "../../domain/volume";
import { orgClient } from "../../durable/org-client";
import { AppError } from "../../errors";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { VolumesPage } from "../../views/volumes-page";
import { deleteVolumeBlobs } from "../../services/volume-files";
import { parseWith } from "../json-body";
import { redirectWithFlash } from "./flash";
import { formStateFrom, readForm, refusedStatus } from "./form";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps, numberField } from "./page-props";

const VOLUME_MESSAGES = { name: "Enter a name of 1 to 100 characters.", sizeGb: "Enter a whole number of GB, at least 1." };

/** A refused delete (gone already, not yours) is said in a flash on the page it came from. */
async function deleteThen(c: Context<MemberEnv>, back: string, done: string, remove: () => Promise<unknown>) {
  try {
    await remove();
  } catch (error) {
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    return redirectWithFlash(c, back, { kind: "error", text: error.message });
  }
  return redirectWithFlash(c, back, { kind: "success", text: done });
}

async function renderVolumes(c: Context<MemberEnv>, form: FormState) {
  const { user, org } = c.var.member;
  const volumes = await listVolumes(createDb(c.env.DB), org.id, user.id);
  return c.render(<VolumesPage volumes={volumes} form={form} />, memberPageProps(c, "Volumes", "volumes"));
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
      const form = formStateFrom(error, values, { messages: VOLUME_MESSAGES });
      c.status(refusedStatus(c, error));
      return renderVolumes(c, form);
    }
  })
  .post("/:volumeId/delete", (c) => {
    const { user, org } = c.var.member;
    return deleteThen(c, "/volumes", "The volume is deleted.", async () => {
      const { deleted, multiparts } = await orgClient(c.env, org.id, { actorId: user.id }).deleteVolume({ volumeId: c.req.param("volumeId") });
      await deleteVolumeBlobs(c.env, deleted, multiparts);
    });
  });
