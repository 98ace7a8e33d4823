import { api, cookieFrom, type Credential } from "./client";
import { typedClient } from "./typed-client";

let counter = 0;

/** A fresh, unique suffix: storage is shared by the tests of one file. */
export function unique(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${Math.random().toString(36).slice(2, 7)}`;
}

export interface TestUser {
  id: string;
  email: string;
  username: string;
  name: string;
  password: string;
  cookie: { cookie: string };
}

/** Signs a new user up through the public API and returns them with their session cookie. */
export async function signUp(
  overrides: Partial<{ email: string; username: string; name: string; password: string }> = {},
): Promise<TestUser> {
  const username = overrides.username ?? unique("user");
  const input = {
    email: overrides.email ?? `${username}@example.com`,
    password: overrides.password ?? "correct horse battery",
    name: overrides.name ?? `Test ${username}`,
    username,
  };
  const response = await api("/api/auth/sign-up/email", { body: input });
  if (response.status !== 201) throw new Error(`sign-up failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { ...response.body.user, password: input.password, cookie: { cookie: cookieFrom(response.headers) } };
}

/** A user who also holds an API token, for suites that speak as both cookie and token. */
export interface UserWithToken extends TestUser {
  token: { token: string };
}

/** Signs a new user up (username from `prefix`) and makes them an API token. */
export async function signUpWithToken(prefix: string): Promise<UserWithToken> {
  const user = await signUp({ username: unique(prefix) });
  return { ...user, token: await tokenFor(user) };
}

/** Makes an API token for the user (through the typed client) and returns it as a credential. */
export async function tokenFor(user: TestUser, name = "test"): Promise<{ token: string }> {
  const response = await typedClient(user.cookie).api.tokens.$post({ json: { name } });
  if (response.status !== 201) throw new Error(`token failed: ${response.status}`);
  return { token: (await response.json()).token };
}

export type { Credential };
