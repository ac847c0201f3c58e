import { createHash } from 'node:crypto';

/**
 * The emulator's randomness, all of it seeded so a fleet behaves the same run after run: a sequential PRNG
 * for draws made in a fixed order (fault rates, duration ranges of services in fleet order), and a keyed
 * draw for things whose order depends on the client (each operation's jitter), so that the same service's
 * Nth operation lasts as long whatever the other services did in between.
 */

/** A small seeded PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A number in [0, 1) that depends only on the seed and the key. */
export function keyedUnit(seed: number, key: string): number {
  return Number.parseInt(sha256(`${seed}:${key}`).slice(0, 12), 16) / 2 ** 48;
}

/** A UUID (version 4 layout) derived from a seed string, for reproducible operation ids. */
export function uuidFrom(seed: string): string {
  const h = sha256(seed);
  const variant = '89ab'[Number.parseInt(h[16]!, 16) & 3];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
