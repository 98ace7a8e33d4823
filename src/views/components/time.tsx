import { formatTime } from "../format";

export function Time({ iso }: { iso: string }) {
  return <time datetime={iso}>{formatTime(iso)}</time>;
}
