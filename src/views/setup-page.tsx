import { Field, FormMessage, type FormState } from "./components/field";

/** Cloudflare's widget: it puts the solved token into the form as `cf-turnstile-response`. */
export const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js";

function HumanCheck({ siteKey }: { siteKey: string }) {
  return (
    <div class="human-check">
      <p class="hint">Many wrong codes were tried lately, so joining asks for a quick check that you are a person.</p>
      <div class="cf-turnstile" data-sitekey={siteKey} data-action="join"></div>
      <script src={TURNSTILE_SCRIPT} async defer></script>
    </div>
  );
}

export function SetupPage({
  name,
  create,
  join,
  challenge,
}: {
  name: string;
  create: FormState;
  join: FormState;
  /** Set when the last join attempt was refused pending the human check. */
  challenge?: { siteKey: string } | null | undefined;
}) {
  return (
    <>
      <h1>Set up your account</h1>
      <p class="lead">Welcome, {name}. Create an organization for your group, or join one with a code from its Admin.</p>
      <div class="columns">
        <section class="card" aria-labelledby="create-heading">
          <h2 id="create-heading">Create an organization</h2>
          <form method="post" action="/setup/create" novalidate>
            <FormMessage form={create} />
            <Field form={create} name="name" label="Organization name" required maxLength={100} />
            <button type="submit">Create organization</button>
          </form>
        </section>
        <section class="card" aria-labelledby="join-heading">
          <h2 id="join-heading">Join an organization</h2>
          <form method="post" action="/setup/join" novalidate>
            <FormMessage form={join} />
            <Field
              form={join}
              name="code"
              label="Join code"
              autocomplete="off"
              inputMode="numeric"
              required
              hint="8 digits, like 1234-5678"
            />
            {challenge ? <HumanCheck siteKey={challenge.siteKey} /> : null}
            <button type="submit">Join</button>
          </form>
        </section>
      </div>
    </>
  );
}
