/**
 * Caps for what the local stack keeps in memory (sent mail, bus events, sign-outs, issued
 * refresh tokens): a long-running stack, or one under load, must not grow without bound. The
 * views show the newest entries; the oldest are dropped first.
 */

/** How many entries each in-memory record keeps (mail, events, sign-outs). */
export const RECORD_CAP = 1_000;
/** How many issued refresh tokens the Cognito front remembers (to refuse revoked ones). */
export const TOKEN_CAP = 10_000;

/**
 * Drops the oldest entries of `list` (in place) so that at most `cap` remain.
 *
 * @example
 * const events = [1, 2, 3];
 * keepNewest(events, 2); // events is [2, 3]
 */
export function keepNewest<T>(list: T[], cap: number): void {
  if (list.length > cap) list.splice(0, list.length - cap);
}

/** Drops the oldest-inserted keys of `map` (in place) so that at most `cap` remain. */
export function keepNewestKeys<K, V>(map: Map<K, V>, cap: number): void {
  for (const key of map.keys()) {
    if (map.size <= cap) return;
    map.delete(key);
  }
}
