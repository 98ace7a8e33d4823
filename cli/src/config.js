// @ts-check
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

export const DEFAULT_URL = "http://127.0.0.1:8787";

/**
 * @typedef {{ url: string, token: string, tokenId: string | null, username: string }} Login
 * @typedef {NodeJS.ProcessEnv} Env
 */

/** @param {Env} env */
export function configDir(env = process.env) {
  if (env.COHORT_CONFIG_DIR) return env.COHORT_CONFIG_DIR;
  if (env.XDG_CONFIG_HOME) return join(env.XDG_CONFIG_HOME, "cohort");
  return join(homedir(), ".config", "cohort");
}

/** The directory (and any sub-directory) readable by its owner alone, whatever the umask. */
/** @param {string} dir */
function ensureDir(dir) {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/**
 * Writes through a temporary file made with mode 0600 and renamed over the target, so a
 * reader never sees half a file and the secret is never readable by others, even briefly.
 * @param {string} dir
 * @param {string} name
 * @param {unknown} value
 */
function writeJsonFile(dir, name, value) {
  ensureDir(dir);
  const target = join(dir, name);
  const temp = join(dir, `.${name}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** @param {string} path */
function readJsonFile(path) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code === "ENOENT") return undefined;
    throw error;
  }
}

/** @param {Env} env @returns {Login | undefined} */
export function readLogin(env = process.env) {
  return readJsonFile(join(configDir(env), "login.json"));
}

/** @param {Login} login @param {Env} env */
export function writeLogin(login, env = process.env) {
  writeJsonFile(configDir(env), "login.json", login);
}

/** @param {Env} env */
export function forgetLogin(env = process.env) {
  rmSync(join(configDir(env), "login.json"), { force: true });
}

/**
 * Agent tokens, one file per machine: `machines/<id>.json`.
 * @typedef {{ url: string, machineId: string, name: string, agentToken: string }} MachineCredential
 */

/** @param {string} machineId */
function machineFile(machineId) {
  return `${machineId.replace(/[^A-Za-z0-9_-]/g, "_")}.json`;
}

/** @param {MachineCredential} credential @param {Env} env */
export function writeMachineCredential(credential, env = process.env) {
  writeJsonFile(join(configDir(env), "machines"), machineFile(credential.machineId), credential);
}

/** @param {string} machineId @param {Env} env @returns {MachineCredential | undefined} */
export function readMachineCredential(machineId, env = process.env) {
  return readJsonFile(join(configDir(env), "machines", machineFile(machineId)));
}

/** @param {string} machineId @param {Env} env */
export function forgetMachineCredential(machineId, env = process.env) {
  rmSync(join(configDir(env), "machines", machineFile(machineId)), { force: true });
}

/** @param {Env} env @returns {string} */
export function machinesDir(env = process.env) {
  return join(configDir(env), "machines");
}

/**
 * The state of an unfinished resumable upload, keyed by what identifies the local file's
 * version and where it goes, so only the same bytes resume the same upload.
 * @param {{ url: string, volumeId: string, path: string, size: number, mtimeMs: number }} key
 */
function uploadFile(key) {
  const digest = createHash("sha256")
    .update(JSON.stringify([key.url, key.volumeId, key.path, key.size, key.mtimeMs]))
    .digest("hex");
  return `${digest.slice(0, 32)}.json`;
}

/** @param {Parameters<typeof uploadFile>[0]} key @param {Env} env @returns {{ uploadId: string } | undefined} */
export function readUploadState(key, env = process.env) {
  return readJsonFile(join(configDir(env), "uploads", uploadFile(key)));
}

/** @param {Parameters<typeof uploadFile>[0]} key @param {{ uploadId: string }} state @param {Env} env */
export function writeUploadState(key, state, env = process.env) {
  writeJsonFile(join(configDir(env), "uploads"), uploadFile(key), { ...key, ...state });
}

/** @param {Parameters<typeof uploadFile>[0]} key @param {Env} env */
export function forgetUploadState(key, env = process.env) {
  rmSync(join(configDir(env), "uploads", uploadFile(key)), { force: true });
}

/**
 * Where to connect and as whom: flag > environment > stored login > default.
 * @param {{ url?: string, token?: string }} flags
 * @param {Env} env
 */
export function resolveConnection(flags, env = process.env) {
  const login = readLogin(env);
  const url = (flags.url || env.COHORT_URL || login?.url || DEFAULT_URL).replace(/\/+$/, "");
  // The stored token belongs to the server it was issued by: never send it anywhere else.
  const stored = login && login.url.replace(/\/+$/, "") === url ? login : undefined;
  const token = flags.token || env.COHORT_TOKEN || stored?.token || undefined;
  return { url, token, login: stored };
}
