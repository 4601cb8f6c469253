/**
 * What `npm audit --omit=dev` may report: nothing high or critical, except advisories listed
 * here with the reason they cannot reach production. The list is empty; an entry needs the
 * advisory URL, the package, why it is unreachable in the deployed bundles, and a review date.
 */

export interface AuditException {
  readonly advisory: string;
  readonly packageName: string;
  readonly reason: string;
  readonly reviewBy: string;
}

export const AUDIT_EXCEPTIONS: readonly AuditException[] = [];

/** The subset of `npm audit --json` (npm 7+) this policy reads. */
export interface AuditReport {
  readonly vulnerabilities?: Record<
    string,
    {
      readonly severity: string;
      readonly via: readonly (string | { readonly url?: string; readonly severity?: string })[];
    }
  >;
}

export interface Finding {
  readonly packageName: string;
  readonly severity: string;
  readonly advisories: readonly string[];
}

const BLOCKING = new Set(['high', 'critical']);

/**
 * High and critical findings not covered by an exception. A package is excused only when every
 * high/critical advisory it carries directly is excused; findings inherited through `via` a
 * package name are judged at that package.
 *
 * @example
 * blockingFindings(JSON.parse(auditJson), AUDIT_EXCEPTIONS) // []
 */
export function blockingFindings(
  report: AuditReport,
  exceptions: readonly AuditException[] = AUDIT_EXCEPTIONS,
): Finding[] {
  const excused = new Set(exceptions.map((exception) => exception.advisory));
  const findings: Finding[] = [];
  for (const [packageName, vulnerability] of Object.entries(report.vulnerabilities ?? {})) {
    if (!BLOCKING.has(vulnerability.severity)) continue;
    const advisories = vulnerability.via.flatMap((via) =>
      typeof via === 'object' && via.url && BLOCKING.has(via.severity ?? vulnerability.severity)
        ? [via.url]
        : [],
    );
    const inheritedOnly = advisories.length === 0;
    if (inheritedOnly) continue;
    if (advisories.every((url) => excused.has(url))) continue;
    findings.push({ packageName, severity: vulnerability.severity, advisories });
  }
  return findings;
}
