import type { Config } from "./config";
import type { MemberWithMachines } from "./db/org-queries";
import type { Role } from "./domain/roles";

/** Who is asking, resolved afresh from D1 on every request (never cached in a cookie). */
export interface Principal {
  user: { id: string; email: string; username: string; name: string };
  org: { id: string; name: string } | null;
  role: Role | null;
  via: "cookie" | "token";
}

/** A machine agent: its machine, the machine's org and owner. */
export interface AgentPrincipal {
  machineId: string;
  orgId: string;
  ownerId: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    /** The configuration, read once per request (src/middleware/config.ts). */
    config: Config;
    principal: Principal | null;
    /** Set on a role change with a credential (src/routes/members.ts): the target as read beside the principal. */
    roleChangeTarget?: Promise<MemberWithMachines | null>;
    /** Set on `/api/agent/*` only (src/middleware/agent.ts): the machine the agent token belongs to. */
    agent: AgentPrincipal;
  };
}
