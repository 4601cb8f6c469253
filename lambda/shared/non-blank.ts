/**
 * A configured or attribute value with its surrounding whitespace removed, or `undefined` when
 * nothing is left: an environment variable set to "" or "  " (a template left blank) means
 * "not set", never a value of nothing.
 *
 * @example
 * nonBlank('  resets '); // 'resets'
 * nonBlank('   '); // undefined
 */
export function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
