import { z } from "zod";
import { characterCount } from "./strict-input";

/** Passwords are counted in characters (code points), not UTF-16 units: 100 emoji are 100 characters. */
function password(min: number) {
  return z
    .string()
    .refine((text) => characterCount(text) >= min && characterCount(text) <= PASSWORD_MAX, `${min}–${PASSWORD_MAX} characters`);
}

export const PASSWORD_MAX = 128;

/** Usernames are stored lower-case, so uniqueness is case-insensitive. */
export const USERNAME_PATTERN = /^[a-z0-9_-]{3,32}$/;

export const signUpSchema = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((email) => email.toLowerCase()),
  password: password(8),
  name: z.string().trim().min(1).max(100),
  username: z
    .string()
    .trim()
    .transform((name) => name.toLowerCase())
    .pipe(z.string().regex(USERNAME_PATTERN, "3–32 characters of a-z, 0-9, _ and -")),
});

export const signInSchema = z.strictObject({
  email: z
    .email()
    .max(254)
    .transform((email) => email.toLowerCase()),
  password: password(1),
});

export const tokenNameSchema = z.strictObject({
  name: z.string().trim().min(1).max(100),
});

/** For actions that take no body: accepts none, or `{}`. */
export const emptyBodySchema = z.strictObject({});
