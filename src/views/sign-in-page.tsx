import { Field, FormMessage, type FormState } from "./components/field";

export function SignInPage({ form }: { form: FormState }) {
  return (
    <section class="card">
      <h1>Sign in to Cohort</h1>
      <form method="post" action="/sign-in" novalidate>
        <FormMessage form={form} />
        <Field form={form} name="email" label="Email" type="email" autocomplete="email" required />
        <Field form={form} name="password" label="Password" type="password" autocomplete="current-password" required />
        <button type="submit">Sign in</button>
      </form>
      <p>
        New to Cohort? <a href="/sign-up">Sign up</a>
      </p>
    </section>
  );
}
