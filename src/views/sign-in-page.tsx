import { Field, FormMessage, type FormState } from "./components/field";

/** `next`: where to go once signed in (a path of this app; "/" is the dashboard). */
export function SignInPage({ form, next = "/" }: { form: FormState; next?: string }) {
  return (
    <section class="card">
      <h1>Sign in to Cohort</h1>
      <form method="post" action="/sign-in" novalidate>
        <FormMessage form={form} />
        {next === "/" ? null : <input type="hidden" name="next" value={next} />}
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
