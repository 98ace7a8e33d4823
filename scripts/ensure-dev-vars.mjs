// `npm start` runs this first: local secrets, random per checkout, in the git-ignored .dev.vars,
// so wrangler dev has every secret wrangler.jsonc requires and nobody has to make one.
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";

const path = new URL("../.dev.vars", import.meta.url);
if (!existsSync(path)) {
  const secret = () => randomBytes(32).toString("hex");
  writeFileSync(path, `AUTH_SECRET=${secret()}\nCODE_HASH_SECRET=${secret()}\n`, { mode: 0o600 });
  console.log("Wrote local secrets to .dev.vars");
}
