import { Field, FormMessage, type FormState } from "./components/field";

export function SettingsPage({
  profile,
  canEdit,
  leave,
}: {
  profile: FormState;
  canEdit: boolean;
  leave: { allowed: boolean; reason?: string | undefined };
}) {
  return (
    <>
      <h1>Settings</h1>
      <nav class="tabs" aria-label="Settings sections">
        <a href="/settings" aria-current="page">
          Organization
        </a>
      </nav>
      <section class="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Organization profile</h2>
        {canEdit ? (
          <p class="muted">Shown to members of your organization only.</p>
        ) : (
          <p class="muted">Only Admins and the Owner can change the profile.</p>
        )}
        <form method="post" action="/settings" novalidate>
          <FormMessage form={profile} />
          <Field form={profile} name="name" label="Name" required readOnly={!canEdit} maxLength={100} />
          <Field
            form={profile}
            name="website"
            label="Website"
            type="url"
            inputMode="url"
            readOnly={!canEdit}
            hint="An address starting with https:// or http://"
          />
          <Field form={profile} name="location" label="Location" readOnly={!canEdit} maxLength={100} />
          <Field form={profile} name="sector" label="Sector" readOnly={!canEdit} maxLength={100} />
          <Field form={profile} name="universityName" label="University name" readOnly={!canEdit} maxLength={100} />
          <Field
            form={profile}
            name="description"
            label="Description"
            multiline
            readOnly={!canEdit}
            maxLength={500}
            hint="Up to 500 characters"
          />
          {canEdit ? <button type="submit">Save</button> : null}
        </form>
      </section>
      <section class="card danger-zone" aria-labelledby="leave-heading">
        <h2 id="leave-heading">Leave this organization</h2>
        {leave.allowed ? (
          <>
            <p>You lose access at once. Your volumes go to the Owner and your machines are deregistered.</p>
            <form method="post" action="/settings/leave">
              <button type="submit" class="button-danger">
                Leave this organization
              </button>
            </form>
          </>
        ) : (
          <p>{leave.reason}</p>
        )}
      </section>
    </>
  );
}
