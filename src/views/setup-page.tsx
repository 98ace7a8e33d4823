import { Field, FormMessage, type FormState } from "./components/field";

export function SetupPage({ name, create, join }: { name: string; create: FormState; join: FormState }) {
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
            <Field form={join} name="code" label="Join code" autocomplete="off" inputMode="numeric" required hint="8 digits, like 1234-5678" />
            <button type="submit">Join</button>
          </form>
        </section>
      </div>
    </>
  );
}
