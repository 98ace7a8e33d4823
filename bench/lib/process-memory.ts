import { readdirSync, readFileSync, writeFileSync } from "node:fs";

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

/**
 * The workerd process that wrangler dev (`rootPid`) started: the descendant whose executable is
 * workerd. It runs the Worker, its Durable Objects and the local D1 and R2 emulation together.
 * Linux only (/proc); undefined elsewhere or if there is not exactly one.
 */
export function workerdOf(rootPid: number): number | undefined {
  let entries: string[];
  try {
    entries = readdirSync("/proc").filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const found = entries.map(Number).filter((pid) => {
    if (!commandOf(pid).endsWith("/workerd")) return false;
    for (let up = parentOf(pid), hops = 0; up && up > 1 && hops < 8; up = parentOf(up), hops += 1) {
      if (up === rootPid) return true;
    }
    return false;
  });
  return found.length === 1 ? found[0] : undefined;
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
