import { createHash, randomBytes } from "node:crypto";
import { CohortApi, type Caller } from "./cohort-api.ts";
import { mib, memoryOf, watchPeakRss, workerdOf, type PeakRss } from "./process-memory.ts";
import type { DevWorker } from "./wrangler-dev.ts";

const FILE_BYTES = 64 * 2 ** 20;

export interface TransferFigures {
  size_mib: number;
  repetitions: number;
  /** Medians over the repetitions, MiB/s, Cohort's volume files. */
  upload_mib_s: number;
  download_mib_s: number;
  /** The same bytes into and out of R2 by the ceiling Worker (FixedLengthStream, no hash, no metadata). */
  ceiling_upload_mib_s: number;
  ceiling_download_mib_s: number;
  upload_over_ceiling: number;
  download_over_ceiling: number;
  /**
   * The workerd process's highest RSS during the transfers over its RSS before the first one
   * (MiB): the Worker, its objects and the local D1 and R2 emulation together (bench/README.md).
   */
  peak_rss_over_idle_mib: { upload: number; download: number; ceiling_upload: number; ceiling_download: number };
  /** The largest rise of RSS within one transfer (its peak over the RSS just before it): memory kept from an earlier transfer is not counted again. */
  peak_rss_rise_mib: { upload: number; download: number; ceiling_upload: number; ceiling_download: number };
}

export interface TransferDetails {
  samples_mib_s: { upload: number[]; download: number[]; ceiling_upload: number[]; ceiling_download: number[] };
  idle_rss_mib: { cohort: number; ceiling: number };
  memory: { upload: PeakRss[]; download: PeakRss[]; ceiling_upload: PeakRss[]; ceiling_download: PeakRss[] };
  workerd_pids: { cohort: number; ceiling: number };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? 0 : sorted[Math.floor(sorted.length / 2)]!;
};
const round1 = (value: number) => Math.round(value * 10) / 10;
const rate = (ms: number) => round1(FILE_BYTES / 2 ** 20 / (ms / 1000));

async function timedPut(
  url: string,
  bytes: Uint8Array<ArrayBuffer>,
  headers: Record<string, string>,
  expected: number[],
): Promise<{ ms: number; body: any }> {
  const start = performance.now();
  // A Uint8Array body: fetch sends its Content-Length, as the contract requires.
  const response = await fetch(url, { method: "PUT", body: bytes, headers: { "content-type": "application/octet-stream", ...headers } });
  const text = await response.text();
  const ms = performance.now() - start;
  if (!expected.includes(response.status)) throw new Error(`PUT ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return { ms, body: JSON.parse(text) };
}

/** Timed to the last byte; the bytes are hashed as they arrive and checked against what was sent. */
async function timedGet(url: string, headers: Record<string, string>, sha256: string): Promise<number> {
  const start = performance.now();
  const response = await fetch(url, { headers });
  if (response.status !== 200 || !response.body)
    throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  const ms = performance.now() - start;
  const got = hash.digest("hex");
  if (size !== FILE_BYTES || got !== sha256) throw new Error(`GET ${url}: ${size} bytes, sha256 ${got}; sent ${FILE_BYTES}, ${sha256}`);
  return ms;
}

/**
 * A 64 MiB file of random bytes, `repetitions` times: PUT into a volume of Cohort's (a new path
 * each time, in a volume of 1 GiB) and GET back, beside the ceiling's raw R2 put and get of the
 * same bytes, interleaved so that both see the same machine. Each transfer is watched for the
 * serving workerd process's peak RSS.
 */
export async function measureVolumeTransfer(
  cohort: DevWorker,
  ceiling: DevWorker,
  repetitions: number,
): Promise<{ figures: TransferFigures; details: TransferDetails }> {
  const api = new CohortApi(cohort.url);
  const owner = await api.signUp("transferowner", "10.0.2.1");
  const caller: Caller = { cookie: owner.cookie };
  const orgId = await api.createOrg(caller, "Bench transfers");
  const { body } = await api.expect<{ volume: { id: string } }>(
    201,
    "POST",
    `/api/orgs/${orgId}/volumes`,
    { name: "transfers", sizeGb: 1 },
    caller,
  );
  const cohortAuth = { cookie: owner.cookie, origin: cohort.url };
  const filesUrl = `${cohort.url}/api/orgs/${orgId}/volumes/${body.volume.id}/files`;

  const bytes = new Uint8Array(FILE_BYTES);
  bytes.set(randomBytes(FILE_BYTES));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const portOf = (worker: DevWorker) => Number(new URL(worker.url).port);
  const pids = { cohort: workerdOf(cohort.pid, portOf(cohort)), ceiling: workerdOf(ceiling.pid, portOf(ceiling)) };
  if (!pids.cohort || !pids.ceiling)
    throw new Error(
      `no workerd process listening on the Worker's port under wrangler dev (cohort ${pids.cohort}, ceiling ${pids.ceiling})`,
    );
  const idle = { cohort: memoryOf(pids.cohort).rssKib, ceiling: memoryOf(pids.ceiling).rssKib };

  const samples = { upload: [] as number[], download: [] as number[], ceiling_upload: [] as number[], ceiling_download: [] as number[] };
  const memory = { upload: [] as PeakRss[], download: [] as PeakRss[], ceiling_upload: [] as PeakRss[], ceiling_download: [] as PeakRss[] };
  const watched = async (key: keyof typeof samples, pid: number, work: () => Promise<number>) => {
    const { value, memory: peak } = await watchPeakRss(pid, work);
    samples[key].push(rate(value));
    memory[key].push(peak);
  };
  for (let i = 0; i < repetitions; i += 1) {
    const path = `bench/file-${i}.bin`;
    await watched("ceiling_upload", pids.ceiling, async () => (await timedPut(`${ceiling.url}/r2/${path}`, bytes, {}, [201])).ms);
    await watched("upload", pids.cohort, async () => {
      const put = await timedPut(`${filesUrl}/${path}`, bytes, cohortAuth, [201]);
      if (put.body.file?.sha256 !== sha256 || put.body.file?.size !== FILE_BYTES)
        throw new Error(`Cohort stored ${JSON.stringify(put.body).slice(0, 300)}`);
      return put.ms;
    });
    await watched("ceiling_download", pids.ceiling, () => timedGet(`${ceiling.url}/r2/${path}`, {}, sha256));
    await watched("download", pids.cohort, () => timedGet(`${filesUrl}/${path}`, { cookie: owner.cookie }, sha256));
  }

  const over = (peaks: PeakRss[], idleKib: number) => round1(Math.max(...peaks.map((peak) => peak.peak_mib)) - mib(idleKib));
  const rise = (peaks: PeakRss[]) => round1(Math.max(...peaks.map((peak) => peak.peak_mib - peak.before_mib)));
  const figures: TransferFigures = {
    size_mib: FILE_BYTES / 2 ** 20,
    repetitions,
    upload_mib_s: median(samples.upload),
    download_mib_s: median(samples.download),
    ceiling_upload_mib_s: median(samples.ceiling_upload),
    ceiling_download_mib_s: median(samples.ceiling_download),
    upload_over_ceiling: Math.round((median(samples.upload) / median(samples.ceiling_upload)) * 100) / 100,
    download_over_ceiling: Math.round((median(samples.download) / median(samples.ceiling_download)) * 100) / 100,
    peak_rss_over_idle_mib: {
      upload: over(memory.upload, idle.cohort),
      download: over(memory.download, idle.cohort),
      ceiling_upload: over(memory.ceiling_upload, idle.ceiling),
      ceiling_download: over(memory.ceiling_download, idle.ceiling),
    },
    peak_rss_rise_mib: {
      upload: rise(memory.upload),
      download: rise(memory.download),
      ceiling_upload: rise(memory.ceiling_upload),
      ceiling_download: rise(memory.ceiling_download),
    },
  };
  return {
    figures,
    details: {
      samples_mib_s: samples,
      idle_rss_mib: { cohort: mib(idle.cohort), ceiling: mib(idle.ceiling) },
      memory,
      workerd_pids: { cohort: pids.cohort, ceiling: pids.ceiling },
    },
  };
}
