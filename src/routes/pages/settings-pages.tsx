import { Hono, type Context } from "hono";
import { createDb } from "../../db/client";
import { findOrg } from "../../db/org-queries";
import { mayLeave, mayManageOrg } from "../../domain/membership";
import { PROFILE_FIELDS, profilePatchSchema } from "../../domain/org-profile";
import { orgClient } from "../../services/org-client";
import { AppError } from "../../errors";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { SettingsPage } from "../../views/settings-page";
import { parseWith } from "../json-body";
import { actThen, redirectWithFlash } from "./flash";
import { readForm, refusedForm } from "./form";
import { memberOnly, noStore, type MemberEnv } from "./guards";
import { memberPageProps } from "./page-props";

const PROFILE_MESSAGES = {
  name: "Enter a name of 1 to 100 characters.",
  website: "Enter an address starting with https:// or http:// (up to 200 characters), or leave it empty.",
  location: "Use up to 100 characters.",
  sector: "Use up to 100 characters.",
  universityName: "Use up to 100 characters.",
  description: "Use up to 500 characters.",
};

async function renderSettings(c: Context<MemberEnv>, form: FormState | null) {
  const { user, org, role } = c.var.member;
  let profile = form;
  if (!profile) {
    const found = await findOrg(createDb(c.env.DB), org.id);
    if (!found) throw new AppError("not_found");
    profile = { ...EMPTY_FORM, values: Object.fromEntries(PROFILE_FIELDS.map((field) => [field, found[field]])) };
  }
  const leave = mayLeave({ userId: user.id, role });
  return c.render(
    <SettingsPage
      profile={profile}
      canEdit={mayManageOrg(role)}
      leave={leave.ok ? { allowed: true } : { allowed: false, reason: leave.message }}
    />,
    memberPageProps(c, "Settings", "settings"),
  );
}

/** `/settings`: the Organization tab (the profile) and leaving the org. */
export const settingsPages = new Hono<MemberEnv>()
  .use(noStore, memberOnly, renderer)
  .get("/", (c) => renderSettings(c, null))
  .post("/", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, PROFILE_FIELDS);
    try {
      await orgClient(c.env, org.id, { actorId: user.id }).updateProfile({ patch: parseWith(profilePatchSchema, values) });
      return redirectWithFlash(c, "/settings", { kind: "success", text: "The profile is saved." });
    } catch (error) {
      const form = refusedForm(c, error, values, { messages: PROFILE_MESSAGES });
      return renderSettings(c, form);
    }
  })
  .post("/leave", (c) => {
    const { user, org } = c.var.member;
    return actThen(
      c,
      "/settings",
      async () => {
        await orgClient(c.env, org.id, { actorId: user.id }).leave({});
        return `You left ${org.name}.`;
      },
      "/setup",
    );
  });
