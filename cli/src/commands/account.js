// @ts-check
import { hostname } from "node:os";
import { forgetLogin, writeLogin } from "../config.js";
import { action, common, NO_ORG } from "../context.js";
import { CliError, notSignedIn } from "../errors.js";
import { createApi } from "../http.js";
import { note, printJson, say } from "../output.js";

const SLOW_DOWN_STEP_S = 5;

/** @param {import("commander").Command} program */
export function registerAccountCommands(program) {
  common(program.command("login"))
    .description("sign in: device login in the browser, or --with-token to read a token from standard input")
    .option("--with-token", "read an API token from standard input")
    .action(action(async (context) => (context.options.withToken ? loginWithToken(context) : deviceLogin(context))));

  common(program.command("logout")).description("revoke the stored token and forget it").action(action(logout));

  common(program.command("whoami"))
    .description("who you are signed in as, in which organization, with which role")
    .action(
      action(async (context) => {
        const me = await context.api.get("/api/me");
        if (context.json) return printJson(me);
        say(
          me.org
            ? `${me.user.username} · ${me.org.name} · ${me.role}`
            : `${me.user.username} · no organization. ${NO_ORG.replace(/^You are not in an organization\. /, "")}`,
        );
      }),
    );
}

/** @returns {Promise<string>} */
async function readStdin() {
  if (process.stdin.isTTY) note("Paste the token, then press Enter and Ctrl-D:");
  let text = "";
  process.stdin.setEncoding("utf8");
  for await (const chunk of process.stdin) text += chunk;
  return text.trim();
}

/** @param {import("../context.js").Context} context */
async function loginWithToken(context) {
  const token = await readStdin();
  if (!token) throw new CliError("No token on standard input.", { exitCode: 2 });
  const api = createApi({ url: context.api.url, token });
  const me = await api.get("/api/me");
  // Which token this is cannot be learnt from the API, so logout can only forget it.
  writeLogin({ url: api.url, token, tokenId: null, username: me.user.username }, context.env);
  if (context.json) return printJson(me);
  say(`Signed in to ${api.url} as ${me.user.username}.`);
}

/** @param {number} seconds */
const sleep = (seconds) => new Promise((resolve) => setTimeout(resolve, seconds * 1000));

/** @param {import("../context.js").Context} context */
async function deviceLogin(context) {
  const api = createApi({ url: context.api.url });
  const start = await api.post("/api/device/code", { clientName: `cohort CLI on ${hostname()}`.slice(0, 100) }, { auth: false });
  // On stderr so that with --json standard output holds the answer alone.
  note(`Open ${start.verificationUri} and enter the code ${start.userCode}`);
  note(`  (or open ${start.verificationUriComplete})`);
  note("Waiting for approval…");
  let interval = Number(start.interval) || 5;
  const deadline = Date.now() + (Number(start.expiresIn) || 600) * 1000;
  for (;;) {
    await sleep(interval);
    if (Date.now() > deadline) throw new CliError("The code expired before it was approved. Run `cohort login` again.");
    try {
      const answer = await api.post("/api/device/token", { deviceCode: start.deviceCode }, { auth: false });
      writeLogin({ url: api.url, token: answer.token, tokenId: answer.tokenId, username: answer.user.username }, context.env);
      if (context.json) return printJson({ tokenId: answer.tokenId, user: answer.user });
      say(`Signed in to ${api.url} as ${answer.user.username}.`);
      return;
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      if (error.code === "authorization_pending") continue;
      if (error.code === "slow_down") {
        interval += SLOW_DOWN_STEP_S;
        continue;
      }
      if (error.code === "access_denied") throw new CliError("The login was denied.");
      if (error.code === "expired_token") throw new CliError("The code expired or was used. Run `cohort login` again.");
      throw error;
    }
  }
}

/** @param {import("../context.js").Context} context */
async function logout(context) {
  const { login } = context;
  if (!login) throw notSignedIn();
  if (login.tokenId) {
    try {
      await createApi(login).delete(`/api/tokens/${encodeURIComponent(login.tokenId)}`);
    } catch (error) {
      // Already revoked (401, 404): forgetting it is all that is left to do.
      if (!(error instanceof CliError) || (error.status !== 401 && error.status !== 404)) throw error;
    }
    forgetLogin(context.env);
    if (!context.json) say(`Signed out of ${login.url}; the token is revoked.`);
    return;
  }
  forgetLogin(context.env);
  note(
    `Forgot the stored token, but it stays valid until you revoke it (GET ${login.url}/api/tokens lists your tokens; DELETE /api/tokens/:id revokes one).`,
  );
}
