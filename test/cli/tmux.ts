import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cliEnv, COHORT, SYSTEM_NODE } from "./cli.ts";

const quote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/**
 * The CLI in a real terminal: a tmux session on its own server socket, so the test drives
 * prompts with keystrokes and reads the screen, and stops only what it started.
 */
export function cohortInTmux(args: string[], home: string, cwd: string, extraEnv: Record<string, string> = {}) {
  const socket = `cohort-cli-${randomBytes(4).toString("hex")}`;
  const tmux = (...rest: string[]) => execFileSync("tmux", ["-L", socket, ...rest], { encoding: "utf8" });
  const env = Object.entries(cliEnv(home, extraEnv))
    .map(([name, value]) => `${name}=${quote(value ?? "")}`)
    .join(" ");
  // The exit code is printed so the test sees it; the pause keeps the pane readable afterwards.
  const script = `cd ${quote(cwd)} && env -i ${env} ${SYSTEM_NODE} ${quote(COHORT)} ${args.map(quote).join(" ")}; echo "EXIT=$?"; sleep 600`;
  tmux("new-session", "-d", "-s", "cli", "-x", "200", "-y", "50", script);
  const screen = () => tmux("capture-pane", "-p", "-t", "cli", "-S", "-200");
  return {
    screen,
    type(text: string) {
      tmux("send-keys", "-t", "cli", "-l", text);
      tmux("send-keys", "-t", "cli", "Enter");
    },
    async waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`the terminal never showed ${pattern}:\n${text}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    stop() {
      try {
        tmux("kill-server");
      } catch {
        // Already gone.
      }
    },
  };
}
