// The CLI tests share the browser tests' setup: one `wrangler dev` on fresh data, stopped after.
export { default } from "../e2e/global-setup.ts";
