/**
 * Cognito masks the destination of a code (`CodeDeliveryDetails.Destination`) as `a***@e***`.
 * cognito-local returns the address in full; the local Cognito front masks it, and builds the
 * same shape for simulated deliveries so that unknown users look like known ones.
 */

/**
 * Masks an email address as Cognito does: first character of the local part and of the domain.
 *
 * @example
 * maskEmail('demo@example.com') // 'd***@e***'
 */
export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@');
  const local = at > 0 ? address.slice(0, at) : address;
  const domain = at > 0 ? address.slice(at + 1) : '';
  const first = (text: string, fallback: string): string => Array.from(text)[0] ?? fallback;
  return `${first(local, 'x')}***@${first(domain, 'e')}***`;
}
