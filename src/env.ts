import type { Role } from "./domain/roles";

/** Who is asking, resolved afresh from D1 on every request (never cached in a cookie). */
export interface Principal {
  user: { id: string; email: string; username: string; name: string };
  org: { id: string; name: string } | null;
  role: Role | null;
  via: "cookie" | "token";
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    principal: Principal | null;
  };
}
