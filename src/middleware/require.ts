import type { Context } from "hono";
import type { AppEnv, Principal } from "../env";
import { AppError } from "../errors";

export function requirePrincipal(c: Context<AppEnv>): Principal {
  const principal = c.get("principal");
  if (!principal) throw new AppError("unauthenticated");
  return principal;
}
