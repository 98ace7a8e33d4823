import { describe, expect, it } from "vitest";
import { api, raw } from "../support/client";
import { orgWith } from "../support/org-factories";
import { bytes, sha256Hex } from "../support/bytes";
import { createVolume, fileUrl, putFile } from "../support/volume-files";
import { claim, finish, projectWithArchive, registerMachine, submitOk } from "./helpers";

const agentFiles = (jobId: string, volumeId: string) => `/api/agent/jobs/${jobId}/volumes/${volumeId}/files`;
const agentFile = (jobId: string, volumeId: string, path: string) =>
  `${agentFiles(jobId, volumeId)}/${path.split("/").map(encodeURIComponent).join("/")}`;

async function leasedJobWithVolume() {
  const org = await orgWith({ users: 1 });
  const sam = org.users[0]!;
  const project = await projectWithArchive(org.id, sam.id);
  const volume = await createVolume(org, sam.cookie);
  const other = await createVolume(org, sam.cookie);
  const machine = await registerMachine(org.id, sam.cookie);
  const job = await submitOk(org.id, sam.cookie, { projectId: project.id, volumeIds: [volume.id] });
  const claimed = await claim(machine.agent);
  expect(claimed.status).toBe(200);
  return { org, sam, volume, other, machine, job, leaseToken: claimed.body.lease.token as string };
}

describe("an agent's access to its job's volumes", () => {
  it("reads, lists and writes the job's own volume while leased, as its submitter would", async () => {
    const { org, sam, volume, machine, job } = await leasedJobWithVolume();
    const input = bytes(4096, 3);
    expect((await putFile(org, volume.id, "data/in.bin", input, sam.cookie)).status).toBe(201);

    const read = await raw(agentFile(job.id, volume.id, "data/in.bin"), { as: machine.agent });
    expect(read.status).toBe(200);
    expect(read.bytes).toEqual(input);
    expect(read.headers.get("ETag")).toBe(`"${await sha256Hex(input)}"`);

    const result = bytes(1000, 9);
    const written = await raw(agentFile(job.id, volume.id, "out/result.bin"), { method: "PUT", body: result, as: machine.agent });
    expect(written.status).toBe(201);
    expect(written.json.file).toMatchObject({ path: "out/result.bin", size: 1000, sha256: await sha256Hex(result) });

    const listed = await api(`${agentFiles(job.id, volume.id)}?prefix=out/`, { as: machine.agent });
    expect(listed.body.files.map((f: { path: string }) => f.path)).toEqual(["out/result.bin"]);
    // The submitter sees what the job wrote.
    expect((await raw(fileUrl(org.id, volume.id, "out/result.bin"), { as: sam.cookie })).bytes).toEqual(result);
  });

  it("refuses a volume the job was not given (404), another machine's agent and a finished job (409 lease_lost)", async () => {
    const { org, sam, volume, other, machine, job, leaseToken } = await leasedJobWithVolume();
    expect((await api(agentFiles(job.id, other.id), { as: machine.agent })).status).toBe(404);
    const stranger = await registerMachine(org.id, sam.cookie);
    expect((await api(agentFiles(job.id, volume.id), { as: stranger.agent })).body.error.code).toBe("lease_lost");
    expect((await finish(machine.agent, job.id, leaseToken, 0)).status).toBe(200);
    const late = await raw(agentFile(job.id, volume.id, "late.txt"), { method: "PUT", body: "late", as: machine.agent });
    expect(late.status).toBe(409);
    expect((await api(`/api/orgs/${org.id}/volumes/${volume.id}/files`, { as: sam.cookie })).body.files).toEqual([]);
  });

  it("opens to the agent token alone: a person's credential there is 401", async () => {
    const { sam, volume, job } = await leasedJobWithVolume();
    expect((await api(agentFiles(job.id, volume.id), { as: sam.cookie })).status).toBe(401);
  });
});
