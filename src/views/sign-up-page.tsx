import { Field, FormMessage, type FormState } from "./components/field";

export function SignUpPage({ form }: { form: FormState }) {
  return (
    <section class="card">
      <h1>Create your Cohort account</h1>
      <form method="post" action="/sign-up" novalidate>
        <FormMessage form={form} />
        <Field form={form} name="name" label="Name" autocomplete="name" required maxLength={100} />
        <Field form={form} name="username" label="Username" autocomplete="username" required hint="3–32 characters: a–z, 0–9, _ and -" />
        <Field form={form} name="email" label="Email" type="email" autocomplete="email" required />
        <Field
          form={form}
          name="password"
          label="Password"
          type="password"
          autocomplete="new-password"
          required
          hint="8 to 128 characters"
        />
        <button type="submit">Sign up</button>
      </form>
      <p>
        Already have an account? <a href="/sign-in">Sign in</a>
      </p>
    </section>
  );
}
