import { ROLE_LABELS, type Role } from "../domain/roles";
import { Field, FormMessage, type FormState } from "./components/field";
import { DataTable } from "./components/data-table";
import { HiddenText } from "./components/hidden-text";
import { Time } from "./components/time";

export interface MemberRowView {
  userId: string;
  username: string;
  name: string;
  role: Role;
  machines: { id: string; name: string }[];
  /** What the viewer may do to this member, decided by the domain rules. */
  actions: { promote: boolean; demote: boolean; remove: boolean; transfer: boolean };
}

export interface LiveCodeView {
  id: string;
  hint: string;
  role: "user" | "admin";
  label: string;
  createdByUsername: string;
  expiresAt: string;
  canRevoke: boolean;
}

/** A code used lately, so whoever handed out labelled codes sees who used which. */
export interface RedeemedCodeView {
  hint: string;
  role: "user" | "admin";
  label: string;
  redeemedByUsername: string;
  redeemedAt: string;
}

/** A code just made: the only time its digits are ever shown. */
export interface NewCodeView {
  code: string;
  role: "user" | "admin";
  expiresAt: string;
}

export interface CodesView {
  live: LiveCodeView[];
  redeemed: RedeemedCodeView[];
  canCreateAdminInvite: boolean;
  bulk: FormState;
  newCode?: NewCodeView | undefined;
}

export function MembersPage({ members, codes }: { members: MemberRowView[]; codes: CodesView | null }) {
  return (
    <>
      <h1>Members</h1>
      {codes?.newCode ? <NewCode code={codes.newCode} /> : null}
      <section class="card" aria-labelledby="members-heading">
        <h2 id="members-heading">Everyone in the organization</h2>
        <DataTable class="members" columns={["Member", "Role", "Machines"]}>
          {members.map((member) => (
            <MemberRow member={member} />
          ))}
        </DataTable>
      </section>
      {codes ? <CodesSection codes={codes} /> : null}
    </>
  );
}

function MemberRow({ member }: { member: MemberRowView }) {
  const { actions } = member;
  return (
    <tr>
      <td data-label="Member">
        <span class="person-name">{member.name}</span> <span class="muted">@{member.username}</span>
      </td>
      <td data-label="Role">{ROLE_LABELS[member.role]}</td>
      <td data-label="Machines">
        {member.machines.length === 0 ? <span class="muted">None</span> : member.machines.map((machine) => machine.name).join(", ")}
      </td>
      <td class="actions">
        {actions.promote ? <RoleForm member={member} to="admin" label="Promote" /> : null}
        {actions.demote ? <RoleForm member={member} to="user" label="Demote" /> : null}
        {actions.transfer ? (
          <form method="get" action="/members/transfer" class="transfer-form">
            <input type="hidden" name="userId" value={member.userId} />
            <button type="submit" class="button-secondary">
              Transfer ownership<HiddenText> to {member.username}</HiddenText>
            </button>
          </form>
        ) : null}
        {actions.remove ? (
          <form method="post" action={`/members/${encodeURIComponent(member.userId)}/remove`}>
            <button type="submit" class="button-danger">
              Remove<HiddenText> {member.username}</HiddenText>
            </button>
          </form>
        ) : null}
      </td>
    </tr>
  );
}

function RoleForm({ member, to, label }: { member: MemberRowView; to: "admin" | "user"; label: string }) {
  return (
    <form method="post" action={`/members/${encodeURIComponent(member.userId)}/role`}>
      <input type="hidden" name="role" value={to} />
      <button type="submit" class="button-secondary">
        {label}
        <HiddenText> {member.username}</HiddenText>
      </button>
    </form>
  );
}

function NewCode({ code }: { code: NewCodeView }) {
  return (
    <section class="card new-code" aria-labelledby="new-code-heading">
      <h2 id="new-code-heading">{code.role === "admin" ? "New admin invite" : "New join code"}</h2>
      <p class="muted">Shown only this once. Give it to the person you are inviting; they enter it during account setup.</p>
      <p class="code-line">
        <output class="code" id="new-code" aria-label="Join code">
          {code.code}
        </output>
        <button type="button" class="button-secondary copy-button" data-copy-from="new-code" hidden>
          Copy code
        </button>
      </p>
      <p>
        Single use{code.role === "admin" ? ", joins as an Admin" : ""}. Expires <Time iso={code.expiresAt} />.
      </p>
    </section>
  );
}

function CodesSection({ codes }: { codes: CodesView }) {
  return (
    <section class="card" aria-labelledby="codes-heading">
      <h2 id="codes-heading">Invite members</h2>
      <div class="code-actions">
        <form method="post" action="/members/codes">
          <input type="hidden" name="role" value="user" />
          <button type="submit">Generate code</button>
        </form>
        {codes.canCreateAdminInvite ? (
          <form method="post" action="/members/codes">
            <input type="hidden" name="role" value="admin" />
            <button type="submit" class="button-secondary">
              Create admin invite
            </button>
          </form>
        ) : null}
      </div>
      <form method="post" action="/members/codes.csv" class="bulk-form" novalidate>
        <h3>Many at once</h3>
        <FormMessage form={codes.bulk} />
        <Field
          form={codes.bulk}
          name="count"
          label="How many"
          type="number"
          min={1}
          max={50}
          inputMode="numeric"
          required
          hint="1 to 50 join codes, as a CSV file"
        />
        <Field
          form={codes.bulk}
          name="labels"
          label="Labels"
          multiline
          hint="Optional: one per line (a student's name or number), one per code in order"
        />
        <button type="submit" class="button-secondary">
          Download codes
        </button>
      </form>
      <h3>Live codes</h3>
      {codes.live.length === 0 ? (
        <p class="muted">No unused codes.</p>
      ) : (
        <DataTable columns={["Code", "Role", "Label", "Created by", "Expires"]}>
          {codes.live.map((code) => (
            <tr>
              <CodeCells code={code} />
              <td data-label="Created by">@{code.createdByUsername}</td>
              <td data-label="Expires">
                <Time iso={code.expiresAt} />
              </td>
              <td class="actions">
                {code.canRevoke ? (
                  <form method="post" action={`/members/codes/${encodeURIComponent(code.id)}/revoke`}>
                    <button type="submit" class="button-danger">
                      Revoke<HiddenText> code {code.hint}</HiddenText>
                    </button>
                  </form>
                ) : null}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <h3 id="redeemed-codes">Recently redeemed</h3>
      {codes.redeemed.length === 0 ? (
        <p class="muted">No code was used in the last 90 days.</p>
      ) : (
        <DataTable columns={["Code", "Role", "Label", "Redeemed by", "When"]}>
          {codes.redeemed.map((code) => (
            <tr>
              <CodeCells code={code} />
              <td data-label="Redeemed by">@{code.redeemedByUsername}</td>
              <td data-label="When">
                <Time iso={code.redeemedAt} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}

/** The cells both code tables open with: the hint, what kind of code, its label. */
function CodeCells({ code }: { code: { hint: string; role: "user" | "admin"; label: string } }) {
  return (
    <>
      <td data-label="Code" class="mono">
        {code.hint}
      </td>
      <td data-label="Role">{code.role === "admin" ? "Admin invite" : "Join code"}</td>
      <td data-label="Label">{code.label}</td>
    </>
  );
}
