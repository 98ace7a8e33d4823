import { Hono, type Context } from "hono";
import { clock } from "../../clock";
import { createDb } from "../../db/client";
import { listLiveCodes, listRedeemedCodes } from "../../db/join-code-queries";
import { findMember, listMembers, type MemberRecord } from "../../db/org-queries";
import { createCodesSchema, REDEEMED_LIST_MS } from "../../domain/join-code";
import { codesCsv, codesFilename } from "../../domain/join-code-file";
import { mayCreateCodes, mayRevokeCode, visibleCodeRoles } from "../../domain/join-code-rules";
import { mayChangeRole, mayRemove, mayTransfer, type MemberRef } from "../../domain/membership";
import { roleChangeSchema, transferSchema } from "../../domain/org-profile";
import { ROLE_LABELS } from "../../domain/roles";
import { orgClient } from "../../services/org-client";
import { EMPTY_FORM, type FormState } from "../../views/components/field";
import { renderer } from "../../views/layout";
import { MembersPage, type CodesView, type MemberRowView, type NewCodeView } from "../../views/members-page";
import { TransferPage } from "../../views/transfer-page";
import { parseWith } from "../json-body";
import { actThen, flashRefusal, redirectWithFlash } from "./flash";
import { readForm, refusalOf, refusedForm } from "./form";
import { memberOnly, noStore, type Member, type MemberEnv } from "./guards";
import { memberPageProps, numberField } from "./page-props";

function actorOf(member: Member): MemberRef {
  return { userId: member.user.id, role: member.role };
}

/** Transferable means: allowed once the names are typed right. The rule itself decides. */
function mayTransferTo(member: Member, target: MemberRecord): boolean {
  return mayTransfer(actorOf(member), target, member.org.name, { confirmOrgName: member.org.name, confirmUsername: target.username }).ok;
}

/** Which buttons a row shows: exactly the actions the domain rules allow the viewer. */
function rowActions(member: Member, target: MemberRecord): MemberRowView["actions"] {
  const actor = actorOf(member);
  const mayChange = mayChangeRole(actor, target).ok;
  return {
    promote: mayChange && target.role === "user",
    demote: mayChange && target.role === "admin",
    remove: target.userId !== actor.userId && mayRemove(actor, target).ok,
    transfer: mayTransferTo(member, target),
  };
}

/** The bulk form's "Labels": one per line, trailing blank lines dropped; none at all is no labels. */
function labelLines(text: string): string[] | undefined {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  return lines.length > 0 ? lines : undefined;
}

async function renderMembers(c: Context<MemberEnv>, extras: { bulk?: FormState; newCode?: NewCodeView } = {}) {
  const member = c.var.member;
  const db = createDb(c.env.DB);
  const canInvite = mayCreateCodes(member.role, "user", 1).ok;
  const roles = canInvite ? visibleCodeRoles(member.role) : [];
  const [members, live, redeemed] = await Promise.all([
    listMembers(db, member.org.id),
    listLiveCodes(db, member.org.id, roles, new Date(clock.now())),
    listRedeemedCodes(db, member.org.id, roles, new Date(clock.now() - REDEEMED_LIST_MS)),
  ]);
  const rows: MemberRowView[] = members.map((target) => ({ ...target, actions: rowActions(member, target) }));
  const codes: CodesView | null = canInvite
    ? {
        live: live.map((code) => ({
          id: code.id,
          hint: code.hint,
          role: code.role,
          label: code.label,
          createdByUsername: code.createdByUsername ?? "",
          expiresAt: code.expiresAt.toISOString(),
          canRevoke: mayRevokeCode(member.role, code.role),
        })),
        redeemed: redeemed.map((code) => ({
          hint: code.hint,
          role: code.role,
          label: code.label,
          redeemedByUsername: code.redeemedByUsername ?? "",
          redeemedAt: code.redeemedAt?.toISOString() ?? "",
        })),
        canCreateAdminInvite: mayCreateCodes(member.role, "admin", 1).ok,
        bulk: extras.bulk ?? { values: { count: "10" }, errors: {} },
        newCode: extras.newCode,
      }
    : null;
  return c.render(<MembersPage members={rows} codes={codes} />, memberPageProps(c, "Members", "members"));
}

/**
 * Puts a mismatch next to the field that was typed wrong. The object already refused the
 * transfer; this only says which of the two names differs.
 */
function mismatchErrors(member: Member, target: MemberRecord | undefined, values: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (values.confirmOrgName !== member.org.name)
    errors.confirmOrgName = `This is not the organization's name. Type ${member.org.name} exactly.`;
  if (target && values.confirmUsername !== target.username)
    errors.confirmUsername = `This is not the member's username. Type ${target.username} exactly.`;
  return errors;
}

async function transferTarget(c: Context<MemberEnv>, userId: string): Promise<MemberRecord | undefined> {
  return userId ? findMember(createDb(c.env.DB), c.var.member.org.id, userId) : undefined;
}

/** `/members`: the member list, join codes, and the Owner's and Admins' actions on members. */
export const memberPages = new Hono<MemberEnv>()
  .use(noStore, memberOnly, renderer)
  .get("/", (c) => renderMembers(c))
  .post("/codes", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, ["role"] as const);
    try {
      const request = parseWith(createCodesSchema, { count: 1, role: values.role || "user" });
      const [created] = (await orgClient(c.env, org.id, { actorId: user.id }).createCodes(request)).codes;
      if (!created) throw new Error("createCodes answered no code");
      return renderMembers(c, { newCode: created });
    } catch (error) {
      return flashRefusal(c, "/members", error);
    }
  })
  .post("/codes.csv", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, ["count", "labels"] as const);
    try {
      const labels = labelLines(values.labels);
      const count = numberField(values.count) ?? (labels && values.count.trim() === "" ? undefined : "");
      const request = parseWith(createCodesSchema, { count, role: "user", labels });
      const { codes } = await orgClient(c.env, org.id, { actorId: user.id }).createCodes(request);
      return c.body(codesCsv(codes), 200, {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${codesFilename(org.name, clock.now())}"`,
      });
    } catch (error) {
      const bulk = refusedForm(c, error, values, { messages: { count: "Enter a whole number from 1 to 50." } });
      return renderMembers(c, { bulk });
    }
  })
  .post("/codes/:codeId/revoke", (c) => {
    const { user, org } = c.var.member;
    return actThen(c, "/members", async () => {
      await orgClient(c.env, org.id, { actorId: user.id }).revokeCode({ codeId: c.req.param("codeId") });
      return "The code is revoked; it no longer works.";
    });
  })
  .post("/:userId/role", async (c) => {
    const { user, org } = c.var.member;
    const values = await readForm(c, ["role"] as const);
    return actThen(c, "/members", async () => {
      const { role } = parseWith(roleChangeSchema, values);
      const { member } = await orgClient(c.env, org.id, { actorId: user.id }).changeRole({ targetId: c.req.param("userId"), role });
      return `@${member.username} is now ${role === "admin" ? "an" : "a"} ${ROLE_LABELS[member.role]}.`;
    });
  })
  .post("/:userId/remove", (c) => {
    const { user, org } = c.var.member;
    const targetId = c.req.param("userId");
    return actThen(c, "/members", async () => {
      const target = await findMember(createDb(c.env.DB), org.id, targetId);
      await orgClient(c.env, org.id, { actorId: user.id }).removeMember({ targetId });
      return `@${target?.username ?? "the member"} is removed from ${org.name}.`;
    });
  })
  .get("/transfer", async (c) => {
    const member = c.var.member;
    const target = await transferTarget(c, c.req.query("userId") ?? "");
    if (!target || !mayTransferTo(member, target)) {
      return redirectWithFlash(c, "/members", { kind: "error", text: "Ownership can only be transferred, by the Owner, to an Admin." });
    }
    return c.render(
      <TransferPage orgName={member.org.name} target={target} form={EMPTY_FORM} />,
      memberPageProps(c, "Transfer ownership", "members"),
    );
  })
  .post("/transfer", async (c) => {
    const member = c.var.member;
    const values = await readForm(c, ["userId", "confirmOrgName", "confirmUsername"] as const);
    const target = await transferTarget(c, values.userId);
    try {
      await orgClient(c.env, member.org.id, { actorId: member.user.id }).transferOwnership({
        ...parseWith(transferSchema, values),
        targetId: values.userId,
      });
    } catch (error) {
      // No such member to confirm against: back to the list, saying why.
      if (!target) return flashRefusal(c, "/members", error);
      const refused = refusedForm(c, error, values);
      const form: FormState =
        refusalOf(error).code === "confirmation_mismatch"
          ? { values, errors: mismatchErrors(member, target, values), message: "Nothing was changed: the names you typed do not match." }
          : refused;
      return c.render(
        <TransferPage orgName={member.org.name} target={target} form={form} />,
        memberPageProps(c, "Transfer ownership", "members"),
      );
    }
    return redirectWithFlash(c, "/members", {
      kind: "success",
      text: `@${target?.username ?? "The new Owner"} is now the Owner. You are an Admin.`,
    });
  });
