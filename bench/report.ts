/**
 * Turns the measurements into the figures: ratios against the floor, the budgets with
 * a verdict each, and the printed table.
 */
import type { BuiltVariant } from './build';
import type { ColdSummary, WarmSummary } from './measure';
import { FLOOR_OF } from './variants';

/** Everything the bench knows about one variant. */
export interface VariantResult {
  readonly id: string;
  readonly role: BuiltVariant['role'];
  readonly operation: BuiltVariant['operation'];
  readonly entry: string;
  readonly note: string;
  readonly bundle: {
    readonly bytes: number;
    readonly gzipBytes: number;
    readonly matchesDistLambda?: boolean | 'absent';
  };
  readonly cold: ColdSummary;
  readonly warm: WarmSummary;
}

export interface Budget {
  readonly variant: string;
  readonly name: string;
  readonly rule: string;
  readonly value: number;
  readonly limit: number;
  readonly holds: boolean;
}

/**
 * Heap growth per invocation, fitted over the second half of a warm run, above which the bench
 * calls it a trend: retaining one request body (~100 B) per invocation would cross it. JIT and
 * inline-cache growth, still settling in the second half, measured 20-50 B/invocation here.
 */
export const HEAP_TREND_LIMIT_BYTES_PER_INVOCATION = 64;

/** The figures of the table, each with how to read it off a variant. */
export const FIGURES = [
  {
    key: 'bundleKB',
    label: 'bundle KB (minified)',
    pick: (v: VariantResult) => v.bundle.bytes / 1000,
  },
  {
    key: 'gzipKB',
    label: 'bundle KB (gzip)',
    pick: (v: VariantResult) => v.bundle.gzipBytes / 1000,
  },
  { key: 'coldInitMs', label: 'cold init ms', pick: (v: VariantResult) => v.cold.initMs },
  {
    key: 'coldFirstRequestMs',
    label: 'cold first request ms',
    pick: (v: VariantResult) => v.cold.firstRequestMs,
  },
  { key: 'warmP50Ms', label: 'warm p50 ms', pick: (v: VariantResult) => v.warm.p50Ms },
  { key: 'warmP99Ms', label: 'warm p99 ms', pick: (v: VariantResult) => v.warm.p99Ms },
  {
    key: 'heapSlopeB',
    label: 'heap trend B/invocation',
    pick: (v: VariantResult) => v.warm.heapSlopeBytesPerInvocation,
  },
  {
    key: 'rssGrowthKB',
    label: 'RSS growth KB/run',
    pick: (v: VariantResult) => v.warm.rssGrowthBytes / 1024,
  },
  {
    key: 'secretCallsPer1000',
    label: 'SM calls /1000 inv',
    pick: (v: VariantResult) => v.warm.secretCallsPer1000,
  },
] as const;

export type FigureKey = (typeof FIGURES)[number]['key'];

/**
 * Each variant's figures divided by a base variant's (the floor unless told otherwise); the cold
 * first request also over base + one upstream latency, the budget's physical limit.
 */
export function ratios(
  variants: readonly VariantResult[],
  latencyMs: number,
  baseId = 'floor',
): Record<string, Record<string, number>> {
  const floor = variants.find((v) => v.id === baseId);
  if (floor === undefined) return {};
  const out: Record<string, Record<string, number>> = {};
  for (const variant of variants) {
    if (variant === floor) continue;
    const row: Record<string, number> = {};
    for (const figure of FIGURES) {
      const base = figure.pick(floor);
      if (base > 0) row[figure.key] = figure.pick(variant) / base;
    }
    row.coldFirstRequestOverFloorPlusLatency =
      variant.cold.firstRequestMs / (floor.cold.firstRequestMs + latencyMs);
    const own = variants.find((v) => v.id === FLOOR_OF[variant.id]);
    if (own !== undefined) {
      row.coldFirstRequestOverOwnFloorPlusLatency =
        variant.cold.firstRequestMs / (own.cold.firstRequestMs + latencyMs);
      row.warmP50OverOwnFloor = variant.warm.p50Ms / own.warm.p50Ms;
    }
    out[variant.id] = row;
  }
  return out;
}

/**
 * The budgets for each product API function (judged against the confirm floor: forgot
 * makes the same single Cognito call) and the leak check for the trigger too.
 */
export function budgets(variants: readonly VariantResult[], latencyMs: number): Budget[] {
  const floor = variants.find((v) => v.role === 'floor');
  if (floor === undefined) return [];
  const out: Budget[] = [];
  const add = (variant: string, name: string, rule: string, value: number, limit: number) =>
    out.push({ variant, name, rule, value, limit, holds: value <= limit });
  for (const v of variants.filter((x) => x.role === 'product')) {
    add(
      v.id,
      'no heap growth trend',
      `fitted growth <= ${HEAP_TREND_LIMIT_BYTES_PER_INVOCATION} B/invocation`,
      v.warm.heapSlopeBytesPerInvocation,
      HEAP_TREND_LIMIT_BYTES_PER_INVOCATION,
    );
    const ownFloor = variants.find((x) => x.id === FLOOR_OF[v.id]);
    if (ownFloor !== undefined) {
      // Issue 13: the trigger runs inside the user's confirm request.
      add(
        v.id,
        'cold first request',
        `product <= 1.10 x (${ownFloor.id} + ${latencyMs} ms)`,
        v.cold.firstRequestMs / (ownFloor.cold.firstRequestMs + latencyMs),
        1.1,
      );
    }
    // The triggers make no ConfirmForgotPassword call: the API budgets do not apply.
    if (v.operation === 'trigger' || v.operation === 'message') continue;
    add(v.id, 'bundle', 'product/floor <= 1.10', v.bundle.bytes / floor.bundle.bytes, 1.1);
    add(v.id, 'warm p50', 'product/floor <= 1.20', v.warm.p50Ms / floor.warm.p50Ms, 1.2);
    add(
      v.id,
      'cold first request',
      `product <= 1.10 x (floor + ${latencyMs} ms)`,
      v.cold.firstRequestMs / (floor.cold.firstRequestMs + latencyMs),
      1.1,
    );
    add(
      v.id,
      'Secrets Manager calls',
      '<= 1 per container per cache period',
      v.warm.secretCallsPerContainer,
      1,
    );
  }
  return out;
}

function cell(value: number | undefined, digits: number): string {
  if (value === undefined || !Number.isFinite(value)) return '-';
  return value.toFixed(digits);
}

/** The printed table: one row per figure, one column per variant, then the ratios to the floor. */
export function formatTable(
  variants: readonly VariantResult[],
  ratioTable: Record<string, Record<string, number>>,
  budgetList: readonly Budget[],
  latencyMs: number,
  versusFloorEnv: Record<string, Record<string, number>> = {},
): string {
  const others = variants.filter((v) => v.role !== 'floor' && v.role !== 'reference');
  const header = [
    'figure (median)',
    ...variants.map((v) => v.id),
    ...others.map((v) => `${v.id}/floor`),
  ];
  const rows: string[][] = [header];
  for (const figure of FIGURES) {
    rows.push([
      figure.label,
      ...variants.map((v) => cell(figure.pick(v), figure.key.endsWith('KB') ? 1 : 2)),
      ...others.map((v) => cell(ratioTable[v.id]?.[figure.key], 2)),
    ]);
  }
  rows.push([
    `first req / (floor+${latencyMs}ms)`,
    ...variants.map(() => ''),
    ...others.map((v) => cell(ratioTable[v.id]?.coldFirstRequestOverFloorPlusLatency, 2)),
  ]);
  if (others.some((v) => FLOOR_OF[v.id] !== undefined)) {
    rows.push([
      `first req / (own floor+${latencyMs}ms)`,
      ...variants.map(() => ''),
      ...others.map((v) => cell(ratioTable[v.id]?.coldFirstRequestOverOwnFloorPlusLatency, 2)),
    ]);
    rows.push([
      'warm p50 / own floor',
      ...variants.map(() => ''),
      ...others.map((v) => cell(ratioTable[v.id]?.warmP50OverOwnFloor, 2)),
    ]);
  }
  rows.push([
    'secret request at ms',
    ...variants.map((v) => {
      const at = v.cold.secretRequestAtMs;
      if (at === undefined) return '-';
      return `${at.toFixed(1)}${v.cold.secretAwaitedAtLoad > 0.5 ? ' (awaited)' : ''}`;
    }),
    ...others.map(() => ''),
  ]);
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const table = rows.map(line);
  table.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  const verdicts = budgetList.map(
    (b) =>
      `${b.holds ? 'HOLDS ' : 'FAILS '} ${b.variant.padEnd(8)} ${b.name.padEnd(22)} ${cell(b.value, b.name === 'no heap growth trend' ? 1 : 2).padStart(8)}  (${b.rule})`,
  );
  const reference = others
    .filter((v) => v.role === 'product' && versusFloorEnv[v.id] !== undefined)
    .map((v) => {
      const r = versusFloorEnv[v.id] ?? {};
      return `  ${v.id.padEnd(8)} bundle ${cell(r.bundleKB, 2)}  warm p50 ${cell(r.warmP50Ms, 2)}  first request / (floor-env + ${latencyMs} ms) ${cell(r.coldFirstRequestOverFloorPlusLatency, 2)}`;
    });
  return [
    ...table,
    '',
    'budgets (against floor):',
    ...verdicts,
    ...(reference.length > 0
      ? [
          '',
          'the same ratios against floor-env (the floor with the credential alias too):',
          ...reference,
        ]
      : []),
  ].join('\n');
}

/**
 * The `--experiments` table: one row per variant, the figures that each change moves, and the
 * difference to the shipped function of the same operation (negative: the change saves that much).
 */
export function formatExperiments(variants: readonly VariantResult[]): string {
  const shippedFor = (v: VariantResult) =>
    variants.find((x) => x.role === 'product' && x.operation === v.operation);
  const columns = [
    ['bundle KB', (v: VariantResult) => v.bundle.bytes / 1000, 1],
    ['gzip KB', (v: VariantResult) => v.bundle.gzipBytes / 1000, 1],
    ['init ms', (v: VariantResult) => v.cold.initMs, 1],
    ['1st req ms', (v: VariantResult) => v.cold.firstRequestMs, 1],
    ['p50 ms', (v: VariantResult) => v.warm.p50Ms, 2],
    ['p99 ms', (v: VariantResult) => v.warm.p99Ms, 2],
    ['heap B/inv', (v: VariantResult) => v.warm.heapSlopeBytesPerInvocation, 0],
  ] as const;
  const rows: string[][] = [['variant', ...columns.map(([label]) => label), 'what']];
  for (const v of variants) {
    rows.push([
      v.id,
      ...columns.map(([, pick, digits]) => {
        const value = cell(pick(v), digits);
        const shipped = shippedFor(v);
        if (shipped === undefined || v.role !== 'experiment') return value;
        const delta = pick(v) - pick(shipped);
        return `${value} (${delta >= 0 ? '+' : ''}${delta.toFixed(digits)})`;
      }),
      v.note,
    ]);
  }
  const widths = (rows[0] ?? []).map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((c, i) =>
          i === 0 || i === r.length - 1 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
