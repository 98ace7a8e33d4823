const encoder = new TextEncoder();

/**
 * A stable shard in [0, shards) for a key: FNV-1a over its UTF-8 bytes. Stable across
 * isolates, deploys and runtimes, so a key is always counted in the same place.
 */
export function shardOf(key: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of encoder.encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}
