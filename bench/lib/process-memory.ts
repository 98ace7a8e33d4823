import { readdirSync, readFileSync, readlinkSync, writeFileSync } from "node:fs";

/** Parent of a process, from /proc/<pid>/stat (the field after the parenthesised name). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0] ?? "";
  } catch {
    return "";
  }
}

/** The inodes of the sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text = "";
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      // local_address is ADDR:PORT in hex; state 0A is LISTEN; the inode is the tenth field.
      if (fields.length > 9 && fields[3] === "0A" && parseInt(fields[1]!.split(":")[1]!, 16) === port) inodes.add(fields[9]!);
    }
  }
  return inodes;
}

function holdsSocket(pid: number, inodes: Set<string>): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return inodes.has(/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`))?.[1] ?? "");
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}

/**
 * The workerd process that serves the Worker: wrangler dev (`rootPid`) runs two, one for its
 * proxy and one for the Worker, its Durable Objects and the local D1 and R2 emulation
 * together; the second is the one listening on the Worker's own port. Linux only (/proc);
 * undefined elsewhere or if none is found.
 */
export function workerdOf(rootPid: number, userPort: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const inodes = listeningInodes(userPort);
  return entries.map(Number).find((pid) => {
    if (!commandOf(pid).endsWith("/workerd")) return false;
    let descends = false;
    for (let up = parentOf(pid), hops = 0; up && up > 1 && hops < 8; up = parentOf(up), hops += 1) {
      if (up === rootPid) descends = true;
    }
    return descends && holdsSocket(pid, inodes);
  });
}

/** VmRSS and VmHWM (peak RSS since start or since the last reset) in KiB, from /proc/<pid>/status. */
export function memoryOf(pid: number): { rssKib: number; hwmKib: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rssKib: field("VmRSS"), hwmKib: field("VmHWM") };
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux ≥ 4.0, own processes); false if refused. */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

export interface PeakRss {
  /** RSS just before the work. */
  before_mib: number;
  /** The highest RSS seen during it: VmHWM after a reset where the kernel allows it, and never below the sampled maximum. */
  peak_mib: number;
  /** How the peak was found: `hwm` (reset VmHWM, read after) or `sampled` (VmRSS every 10 ms). */
  method: "hwm" | "sampled";
}

const mib = (kib: number) => Math.round((kib / 1024) * 10) / 10;

/** Runs `work` while watching the process's resident memory. */
export async function watchPeakRss<T>(pid: number, work: () => Promise<T>): Promise<{ value: T; memory: PeakRss }> {
  const before = memoryOf(pid).rssKib;
  const reset = resetPeak(pid);
  let sampled = before;
  const sampler = setInterval(() => {
    try {
      sampled = Math.max(sampled, memoryOf(pid).rssKib);
    } catch {
      // The process ended; the work will fail on its own.
    }
  }, 10);
  try {
    const value = await work();
    const after = memoryOf(pid);
    sampled = Math.max(sampled, after.rssKib);
    const peak = reset ? Math.max(after.hwmKib, sampled) : sampled;
    return { value, memory: { before_mib: mib(before), peak_mib: mib(peak), method: reset ? "hwm" : "sampled" } };
  } finally {
    clearInterval(sampler);
  }
}

export { mib };
