import { buildApp } from "./app";

export { OrgObject } from "./durable/org-object";
export { ThrottleObject } from "./durable/throttle-object";

const app = buildApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
