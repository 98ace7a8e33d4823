import { Field, FormMessage, type FormState } from "./components/field";

export interface TransferTargetView {
  userId: string;
  username: string;
  name: string;
}

/** The typed confirmation of an ownership transfer (also lifted into a dialog by /app.js). */
export function TransferPage({ orgName, target, form }: { orgName: string; target: TransferTargetView; form: FormState }) {
  return (
    <section class="card" id="transfer-confirmation" aria-labelledby="transfer-heading">
      <h1 id="transfer-heading">Transfer ownership to {target.name}</h1>
      <p>
        <strong>{target.name}</strong> (@{target.username}) becomes the Owner of {orgName}, and you become an Admin. Only the new Owner can
        undo this.
      </p>
      <form method="post" action="/members/transfer" novalidate>
        <input type="hidden" name="userId" value={target.userId} />
        <FormMessage form={form} />
        <Field form={form} name="confirmOrgName" label="Organization name" autocomplete="off" required hint={`Type ${orgName} exactly`} />
        <Field form={form} name="confirmUsername" label="Username" autocomplete="off" required hint={`Type ${target.username} exactly`} />
        <div class="button-row">
          <button type="submit" class="button-danger">
            Confirm transfer
          </button>
          <a href="/members" class="cancel-link">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
