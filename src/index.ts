import { buildApp } from "./app";
import { clock } from "./clock";
import { purgeExpired } from "./services/retention";

export { OrgObject } from "./durable/org-object";
export { ThrottleObject } from "./durable/throttle-object";

const app = buildApp();

export default {
  fetch: app.fetch,
  // The hourly cron of wrangler.jsonc: retention (docs/retention.md).
  async scheduled(_controller, env) {
    const deleted = await purgeExpired(env, clock.now());
    console.log(JSON.stringify({ event: "retention_purge", deleted }));
  },
} satisfies ExportedHandler<Env>;
