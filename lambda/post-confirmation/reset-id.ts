/**
 * The `resetId` of contract section 4: one stable identifier per password reset, so that the
 * repeats Cognito may make of one trigger invocation (up to three) carry the same id and a
 * consumer of the email or the event can drop them.
 */
import { createHash, randomUUID } from 'node:crypto';

/** What identifies one reset: the pool, the user and the API request that confirmed it. */
export interface ResetIdentity {
  readonly userPoolId: string;
  readonly sub: string;
  /** The confirm handler's request id (`clientMetadata.requestId`); absent when the reset did not go through the API. */
  readonly requestId: string | undefined;
}

/**
 * Derives the reset id deterministically from pool, `sub` and `requestId`, shaped as a UUID
 * (version 8, "custom", RFC 9562) so consumers can store it in any UUID column. The inputs are
 * JSON-encoded before hashing so that no two different triples share a pre-image.
 *
 * Without a `requestId` (a reset confirmed by another client straight against Cognito) there
 * is nothing stable to tell two resets of one user apart, so a random id is returned instead:
 * a consumer may then see a repeat twice, but never drops a genuine second reset.
 *
 * @example
 * deriveResetId({ userPoolId: 'eu-west-1_EXAMPLE', sub: '1111...', requestId: 'c6af9ac6-...' });
 * // => '3f1c...-....-8...-....-............' (the same for every repeat)
 */
export function deriveResetId(identity: ResetIdentity): string {
  if (identity.requestId === undefined) return randomUUID();
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        'PasswordResetCompleted/v1',
        identity.userPoolId,
        identity.sub,
        identity.requestId,
      ]),
    )
    .digest();
  return formatAsUuidV8(digest);
}

/** Uses the first 128 bits of a digest as a UUID, with the version (8) and variant (10) bits set. */
function formatAsUuidV8(digest: Buffer): string {
  const bytes = Buffer.from(digest.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x80;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
