import { describe, expect, it } from "vitest";
import { api } from "../support/client";
import { signUp, unique } from "../support/factories";
import { page, withCookies } from "./page-client";

function signUpForm(overrides: Record<string, string> = {}) {
  const username = unique("page");
  return { name: "Ada Lovelace", username, email: `${username}@example.com`, password: "correct horse battery", ...overrides };
}

describe("/sign-up", () => {
  it("creates the account, sets the session cookie and goes on to account setup", async () => {
    const response = await page("/sign-up", { form: signUpForm() });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/setup");
    const me = await api("/api/me", { as: { cookie: withCookies("", response) } });
    expect(me.status).toBe(200);
    expect(me.body.org).toBeNull();
  });

  it("re-renders a refused form with each problem next to its field and the values kept, but never the password", async () => {
    const response = await page("/sign-up", { form: signUpForm({ username: "No Spaces!", email: "not-an-email", password: "short" }) });
    expect(response.status).toBe(400);
    expect(response.html).toContain('id="field-username-error"');
    expect(response.html).toContain('id="field-email-error"');
    expect(response.html).toContain('id="field-password-error"');
    expect(response.html).not.toContain('id="field-name-error"');
    expect(response.html).toContain('value="Ada Lovelace"');
    expect(response.html).toContain('value="not-an-email"');
    expect(response.html).not.toContain('value="short"');
    expect(response.html).toMatch(
      /aria-invalid="true"[^>]*aria-describedby="field-email-error"|aria-describedby="field-email-error"[^>]*aria-invalid="true"/,
    );
  });

  it("says a taken username next to the Username field", async () => {
    const taken = await signUp();
    const response = await page("/sign-up", { form: signUpForm({ username: taken.username }) });
    expect(response.status).toBe(409);
    expect(response.html).toMatch(/id="field-username-error">That username is taken\./);
  });
});

describe("/sign-in", () => {
  it("signs in and goes to the dashboard (which sends an org-less user on to setup)", async () => {
    const user = await signUp();
    const response = await page("/sign-in", { form: { email: user.email, password: user.password } });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
    const next = await page("/", { cookie: withCookies("", response) });
    expect(next.location).toBe("/setup");
  });

  it("refuses a wrong password without saying which part was wrong, keeping the email", async () => {
    const user = await signUp();
    const response = await page("/sign-in", { form: { email: user.email, password: "wrong password" } });
    expect(response.status).toBe(401);
    expect(response.html).toContain("The email or password is wrong.");
    expect(response.html).toContain(`value="${user.email}"`);
    expect(response.html).not.toContain('value="wrong password"');
  });

  it("counts against the same per-account throttle as the API", async () => {
    const user = await signUp();
    for (let i = 0; i < 10; i += 1) await api("/api/auth/sign-in/email", { body: { email: user.email, password: "wrong password" } });
    const response = await page("/sign-in", { form: { email: user.email, password: user.password } });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(response.html).toContain("Too many attempts");
  }, 30_000);

  it("takes someone already signed in onward instead of showing the form", async () => {
    const user = await signUp();
    expect((await page("/sign-in", { cookie: user.cookie.cookie })).location).toBe("/");
  });
});

describe("POST /sign-out", () => {
  it("ends the session server-side and says so on the sign-in page", async () => {
    const user = await signUp();
    const response = await page("/sign-out", { cookie: user.cookie.cookie, form: {} });
    expect(response.location).toBe("/sign-in");
    expect((await api("/api/me", { as: user.cookie })).status).toBe(401);
    const signIn = await page("/sign-in", { cookie: withCookies("", response) });
    expect(signIn.html).toContain("You are signed out.");
  });
});

describe("flash messages", () => {
  it("show a forged flash cookie only as escaped text", async () => {
    const forged = encodeURIComponent(JSON.stringify({ kind: "error", text: "<script>alert(1)</script>" }));
    const response = await page("/sign-in", { cookie: `cohort.flash=${forged}` });
    expect(response.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(response.html).not.toContain("<script>alert(1)");
  });
});
