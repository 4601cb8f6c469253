/**
 * Supply chain and configuration (issue 7): no high or critical advisory in the production
 * dependencies, the lockfile committed and matching package.json, and no credential, ARN or
 * account id in the repository.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT_EXCEPTIONS, type AuditReport, blockingFindings } from './audit-policy';
import { repositoryFiles, scanRepository, scanText } from './repository-scan';

const ROOT = join(import.meta.dirname, '..', '..');

interface NpmAuditRun {
  readonly report:
    | (AuditReport & { readonly error?: unknown; readonly message?: string })
    | undefined;
  readonly stderr: string;
}

function runNpmAudit(): Promise<NpmAuditRun> {
  return new Promise((resolve) => {
    execFile(
      'npm',
      ['audit', '--omit=dev', '--json'],
      { cwd: ROOT, timeout: 60_000, maxBuffer: 32 * 1024 * 1024 },
      (_error, stdout, stderr) => {
        try {
          resolve({ report: JSON.parse(stdout) as NpmAuditRun['report'], stderr });
        } catch {
          resolve({ report: undefined, stderr });
        }
      },
    );
  });
}

describe('npm audit --omit=dev', () => {
  it('reports no high or critical advisory in production dependencies', async (context) => {
    // Act
    const { report, stderr } = await runNpmAudit();

    // Assess
    const unavailable =
      report === undefined || (report.vulnerabilities === undefined && report.error !== undefined);
    if (unavailable && process.env.REQUIRE_NPM_AUDIT !== '1') {
      // The registry this machine reaches serves packages but not the audit endpoint (it answers
      // 405 to the bulk-advisory POST). Say so rather than pass silently; CI against the public
      // registry sets REQUIRE_NPM_AUDIT=1 to make this a failure.
      context.skip(
        `npm audit endpoint unavailable: ${String(report?.message ?? stderr).slice(0, 200)}`,
      );
    }
    expect(report?.vulnerabilities, 'npm audit produced no report').toBeDefined();
    expect(blockingFindings(report as AuditReport)).toEqual([]);
  }, 90_000);

  describe('the policy that judges its report', () => {
    const high = {
      vulnerabilities: {
        'fast-xml-parser': {
          severity: 'high',
          via: [{ url: 'https://github.com/advisories/GHSA-test-0001', severity: 'high' }],
        },
        '@aws-sdk/core': { severity: 'high', via: ['fast-xml-parser'] },
        debug: {
          severity: 'moderate',
          via: [{ url: 'https://github.com/advisories/GHSA-test-0002', severity: 'moderate' }],
        },
      },
    } satisfies AuditReport;

    it('blocks a high advisory at the package that carries it, once', () => {
      expect(blockingFindings(high, [])).toEqual([
        {
          packageName: 'fast-xml-parser',
          severity: 'high',
          advisories: ['https://github.com/advisories/GHSA-test-0001'],
        },
      ]);
    });

    it('lets a documented exception through and nothing else', () => {
      const exception = {
        advisory: 'https://github.com/advisories/GHSA-test-0001',
        packageName: 'fast-xml-parser',
        reason: 'test',
        reviewBy: '2027-01-01',
      };
      expect(blockingFindings(high, [exception])).toEqual([]);
    });

    it('ignores moderate and low findings', () => {
      expect(
        blockingFindings({ vulnerabilities: { debug: high.vulnerabilities.debug } }, []),
      ).toEqual([]);
    });

    it('has every exception documented with a reason and a review date', () => {
      for (const exception of AUDIT_EXCEPTIONS) {
        expect(exception.reason.length).toBeGreaterThan(20);
        expect(exception.reviewBy).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    });
  });
});

describe('the lockfile', () => {
  it('is committed', () => {
    // Act
    const tracked = execFileSync('git', ['ls-files', 'package-lock.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });

    // Assess
    expect(tracked.trim()).toBe('package-lock.json');
  });

  it('records exactly the dependencies package.json declares (npm ci would refuse otherwise)', () => {
    // Prepare
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      devDependencies?: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      lockfileVersion: number;
      packages: Record<
        string,
        { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }
      >;
    };

    // Assess
    expect(lock.lockfileVersion).toBeGreaterThanOrEqual(3);
    expect(lock.packages['']?.dependencies ?? {}).toEqual(manifest.dependencies ?? {});
    expect(lock.packages['']?.devDependencies ?? {}).toEqual(manifest.devDependencies ?? {});
    for (const name of Object.keys({ ...manifest.dependencies, ...manifest.devDependencies })) {
      expect(lock.packages[`node_modules/${name}`], `${name} locked`).toBeDefined();
    }
  });
});

describe('repository contents', () => {
  it('holds no credential, ARN with an account id, or account id in any file', () => {
    // Act
    const leaks = scanRepository(ROOT);

    // Assess
    expect(leaks).toEqual([]);
  });

  it('scans the files git would commit', () => {
    const files = repositoryFiles(ROOT);
    expect(files).toContain('package.json');
    expect(files).not.toContain('node_modules/vitest/package.json');
  });

  describe('the scanner', () => {
    // Built from parts so that this file itself stays clean.
    const accessKey = ['AKIA', 'Z7QXJ2LMN4PRS6TV'].join('');
    const account = ['4915', '2837', '6104'].join('');
    const secretKeyName = ['aws', 'secret', 'access', 'key'].join('_');
    it.each([
      ['an access key id', `const key = '${accessKey}';`, 'AWS access key id'],
      [
        'a secret access key',
        `${secretKeyName} = ${'q8Rk2vT0nXw/9LmPa7Yc'}${'3bNdE5fGhJ1sU4zK6oQi'}`,
        'AWS secret access key',
      ],
      ['a private key', `-----BEGIN ${'RSA '}PRIVATE KEY-----`, 'private key'],
      [
        'an ARN with an account',
        `arn:aws:secretsmanager:eu-west-1:${account}:secret:x`,
        'ARN with an account id',
      ],
      ['an account id', `accountId: '${account}'`, 'AWS account id'],
      ['a bare account id', `const target = ${account};`, 'twelve-digit number (account id?)'],
    ])('finds %s', (_name, text, rule) => {
      expect(scanText('example.ts', text).map((leak) => leak.rule)).toContain(rule);
    });

    it.each([
      ['AWS documentation placeholder account', "accountId: '123456789012'"],
      ['an AWS documentation example key', ['AKIAIOSFODNN7', 'EXAMPLE'].join('')],
      [
        'an AWS documentation example secret',
        `${secretKeyName} = ${'wJalrXUtnFEMI/K7MDENG/bPxRfiCY'}${'EXAMPLEKEY'}`,
      ],
      ['a millisecond timestamp', 'requestTimeEpoch: 1718635693506'],
      ['a version', 'version: "3.1169.0"'],
      ['a UUID', '11111111-2222-3333-4444-555555555555'],
      ['an account-less managed policy ARN', 'arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess'],
    ])('passes %s', (_name, text) => {
      expect(scanText('example.ts', text)).toEqual([]);
    });
  });
});
