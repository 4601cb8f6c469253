/**
 * Finds credentials, AWS account ids and account-bearing ARNs in the repository's files: tracked
 * ones (`git ls-files`) and new ones not ignored (so a leak is caught before the commit).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface Leak {
  readonly file: string;
  readonly line: number;
  readonly rule: string;
}

/**
 * Account ids that AWS documentation and emulators use as placeholders; they identify nobody.
 * (`123456789012` is AWS's own example account, found in captured sample events.)
 */
export const PLACEHOLDER_ACCOUNT_IDS: ReadonlySet<string> = new Set([
  '000000000000',
  '111111111111',
  '123456789012',
  '111122223333',
  '444455556666',
  '999999999999',
]);

interface Rule {
  readonly name: string;
  readonly pattern: RegExp;
  /** The captured account id, when the rule is about one (placeholders are allowed). */
  readonly accountGroup?: number;
  /** Files where the rule means nothing (a lockfile's base64 integrity hashes hold digit runs). */
  readonly skip?: RegExp;
}

export const RULES: readonly Rule[] = [
  { name: 'AWS access key id', pattern: /\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/ },
  {
    name: 'AWS secret access key',
    pattern: /aws_?secret_?access_?key["'`]?\s*[:=]\s*["'`]?[A-Za-z0-9/+]{40}\b/i,
  },
  { name: 'private key', pattern: /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/ },
  { name: 'GitHub token', pattern: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/ },
  { name: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { name: 'Slack token', pattern: /\bxox[abprs]-[A-Za-z0-9-]{10,}/ },
  {
    name: 'ARN with an account id',
    pattern: /\barn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/,
    accountGroup: 1,
  },
  {
    name: 'AWS account id',
    pattern:
      /(?:account[_-]?id|AWS_ACCOUNT_ID|CDK_DEFAULT_ACCOUNT|SourceAccount|\baccount)["'`]?\s*[:=]\s*["'`]?(\d{12})\b/i,
    accountGroup: 1,
  },
  {
    name: 'twelve-digit number (account id?)',
    pattern: /(?<![\d.\-+/])\b(\d{12})\b(?![\d./])/,
    accountGroup: 1,
    skip: /(^|\/)package-lock\.json$/,
  },
];

/*
 * Keys containing `EXAMPLE` follow AWS's convention for documentation credentials
 * (the key id `AKIAIOSFODNN7` + `EXAMPLE` and its secret ending in `EXAMPLEKEY`); secret scanners such as
 * gitleaks allow them too.
 */

/** Files that must never be committed whatever they contain. */
const FORBIDDEN_FILES: readonly RegExp[] = [
  /(^|\/)\.env(\.|$)/,
  /\.(pem|key|p12|pfx)$/,
  /(^|\/)cdk\.context\.json$/,
  /(^|\/)\.npmrc$/,
  /(^|\/)credentials$/,
];

/** Tracked files plus untracked files that are not ignored. */
export function repositoryFiles(root: string): string[] {
  const output = execFileSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: root,
      encoding: 'utf8',
    },
  );
  return [...new Set(output.split('\0').filter(Boolean))];
}

/** Scans one file's text line by line against every rule. */
export function scanText(file: string, text: string): Leak[] {
  const leaks: Leak[] = [];
  const lines = text.split('\n');
  lines.forEach((lineText, index) => {
    for (const rule of RULES) {
      if (rule.skip?.test(file)) continue;
      const global = new RegExp(rule.pattern.source, `${rule.pattern.flags.replace('g', '')}g`);
      for (const match of lineText.matchAll(global)) {
        const account = rule.accountGroup === undefined ? undefined : match[rule.accountGroup];
        if (account !== undefined && PLACEHOLDER_ACCOUNT_IDS.has(account)) continue;
        if (
          rule.name.startsWith('AWS ') &&
          rule.name.includes('key') &&
          match[0].includes('EXAMPLE')
        )
          continue;
        leaks.push({ file, line: index + 1, rule: rule.name });
      }
    }
  });
  return leaks;
}

/**
 * @example
 * scanRepository(process.cwd()) // [] when clean
 */
export function scanRepository(root: string): Leak[] {
  const leaks: Leak[] = [];
  for (const file of repositoryFiles(root)) {
    if (FORBIDDEN_FILES.some((pattern) => pattern.test(file))) {
      leaks.push({ file, line: 0, rule: 'file that must not be committed' });
      continue;
    }
    const path = join(root, file);
    let size: number;
    try {
      size = statSync(path).size;
    } catch {
      continue; // deleted in the work tree
    }
    if (size > 5_000_000) continue;
    const buffer = readFileSync(path);
    if (buffer.includes(0)) continue; // binary (screenshots and the like)
    leaks.push(...scanText(file, buffer.toString('utf8')));
  }
  return leaks;
}
