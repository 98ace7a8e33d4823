import { Field, FormMessage, type FormState } from "./components/field";
import { Time } from "./components/time";

/** The pending login a code names, shown before the person decides. */
export interface DeviceRequest {
  clientName: string;
  createdAt: string;
}

/** `/device`: the approval step of the CLI login. One form; the button pressed is the decision. */
export function DevicePage({ username, form, request }: { username: string; form: FormState; request: DeviceRequest | null }) {
  return (
    <section class="card" aria-labelledby="device-heading">
      <h1 id="device-heading">Sign in a device</h1>
      {request ? (
        <p class="lead">
          “{request.clientName}” asked to sign in as <strong>{username}</strong> at <Time iso={request.createdAt} />.
        </p>
      ) : (
        <p class="lead">Enter the code your terminal shows to sign it in as {username}. Approve only a login you started yourself.</p>
      )}
      <form method="post" action="/device" novalidate>
        <FormMessage form={form} />
        <Field form={form} name="code" label="Code" autocomplete="off" required hint="8 letters, like BCDF-GHJK" />
        <div class="actions">
          <button type="submit" name="decision" value="approve">
            Approve
          </button>
          <button type="submit" name="decision" value="deny" class="button-quiet">
            Deny
          </button>
        </div>
      </form>
    </section>
  );
}
