// Regenerates docs/screenshots/*.png: every dashboard page at desktop width and at 375 px,
// against a fresh local Worker seeded with a small, believable organization.
// Run: npm run screenshots
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS } from "../test/e2e/browser.ts";
import { startDevServer } from "../test/e2e/dev-server.ts";

const OUT = join(process.cwd(), "docs/screenshots");
const WIDTHS = { desktop: 1280, mobile: 375 } as const;
const PASSWORD = "correct horse battery";

interface Person {
  name: string;
  username: string;
  cookie: string;
}

async function call(baseURL: string, path: string, body: unknown, cookie = ""): Promise<{ json: any; cookie: string }> {
  const response = await fetch(`${baseURL}${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: baseURL, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  const set = response.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  return { json: await response.json(), cookie: set || cookie };
}

async function signUp(baseURL: string, name: string, username: string): Promise<Person> {
  const { cookie } = await call(baseURL, "/api/auth/sign-up/email", {
    name,
    username,
    email: `${username}@example.edu`,
    password: PASSWORD,
  });
  return { name, username, cookie };
}

async function seed(baseURL: string) {
  const ada = await signUp(baseURL, "Ada Lovelace", "ada");
  const { json } = await call(
    baseURL,
    "/api/orgs",
    {
      name: "Vision Lab",
      website: "https://vision.example.edu",
      location: "Edinburgh, Scotland",
      sector: "Research",
      universityName: "University of Example",
      description: "We teach machines to see: perception, 3D reconstruction and robot vision.",
    },
    ada.cookie,
  );
  const orgId: string = json.org.id;
  const join = async (person: Person, role: "user" | "admin") => {
    const made = await call(baseURL, `/api/orgs/${orgId}/join-codes`, { role }, ada.cookie);
    await call(baseURL, "/api/join", { code: made.json.codes[0].code }, person.cookie);
  };
  const grace = await signUp(baseURL, "Grace Hopper", "grace");
  await join(grace, "admin");
  const alan = await signUp(baseURL, "Alan Turing", "alan");
  await join(alan, "user");
  const katherine = await signUp(baseURL, "Katherine Johnson", "katherine");
  await join(katherine, "user");
  await call(baseURL, `/api/orgs/${orgId}/machines`, { name: "gpu-rig-01", hostname: "rig01.vision.example.edu", gpus: 4 }, ada.cookie);
  await call(baseURL, `/api/orgs/${orgId}/machines`, { name: "workstation", hostname: "ws.vision.example.edu", gpus: 1 }, ada.cookie);
  await call(baseURL, `/api/orgs/${orgId}/machines`, { name: "alan-laptop", gpus: 0 }, alan.cookie);
  await call(baseURL, `/api/orgs/${orgId}/volumes`, { name: "datasets", sizeGb: 500 }, ada.cookie);
  await call(baseURL, `/api/orgs/${orgId}/volumes`, { name: "checkpoints", sizeGb: 120 }, ada.cookie);
  await call(baseURL, `/api/orgs/${orgId}/join-codes`, { count: 3 }, grace.cookie);
  const newcomer = await signUp(baseURL, "Marie Curie", "marie");
  return { ada, grace, newcomer };
}

async function pageFor(browser: Browser, baseURL: string, width: number, person: Person | null): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width, height: 800 }, deviceScaleFactor: 1 });
  if (person) {
    const cookies = person.cookie.split("; ").map((pair) => {
      const [name, ...value] = pair.split("=");
      return { name: name!, value: value.join("="), url: baseURL };
    });
    await context.addCookies(cookies);
  }
  return context.newPage();
}

async function shoot(page: Page, name: string, variant: string): Promise<void> {
  // The dialog's backdrop covers the viewport only, so the transfer step is shot as the person sees it.
  await page.screenshot({ path: join(OUT, `${name}-${variant}.png`), fullPage: name !== "transfer" });
  console.log(`docs/screenshots/${name}-${variant}.png`);
}

const server = await startDevServer();
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
try {
  mkdirSync(OUT, { recursive: true });
  const { ada, grace, newcomer } = await seed(server.baseURL);
  for (const [variant, width] of Object.entries(WIDTHS)) {
    const anonymous = await pageFor(browser, server.baseURL, width, null);
    for (const path of ["sign-up", "sign-in"]) {
      await anonymous.goto(`/${path}`);
      await shoot(anonymous, path, variant);
    }
    const setup = await pageFor(browser, server.baseURL, width, newcomer);
    await setup.goto("/setup");
    await shoot(setup, "setup", variant);

    const owner = await pageFor(browser, server.baseURL, width, ada);
    for (const [path, name] of [
      ["/", "dashboard"],
      ["/settings", "settings"],
      ["/machines", "machines"],
      ["/volumes", "volumes"],
      ["/activity", "activity"],
    ] as const) {
      await owner.goto(path);
      await shoot(owner, name, variant);
    }
    await owner.goto("/members");
    await owner.getByRole("button", { name: "Generate code" }).click();
    await owner.waitForSelector("output.code");
    await shoot(owner, "members", variant);
    await owner.goto("/members");
    await owner.getByRole("button", { name: "Transfer ownership to grace" }).click();
    await owner.getByRole("dialog").waitFor();
    await shoot(owner, "transfer", variant);

    const admin = await pageFor(browser, server.baseURL, width, grace);
    await admin.goto("/members");
    await shoot(admin, "members-admin", variant);
    await Promise.all([anonymous, setup, owner, admin].map((page) => page.context().close()));
  }
} finally {
  await browser.close();
  await server.stop();
}
