/**
 * `npm run build`: one minified ESM bundle per function under `dist/lambda/<name>/index.mjs`,
 * the exact bytes the CDK stack deploys. `npm run build -- <name>...` builds only those.
 */

import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { bundleOptions, FUNCTIONS, type FunctionName } from './bundle-options';

const requested = process.argv.slice(2);
const unknown = requested.filter((name) => !(FUNCTIONS as readonly string[]).includes(name));
if (unknown.length > 0) {
  console.error(`unknown function(s): ${unknown.join(', ')}; known: ${FUNCTIONS.join(', ')}`);
  process.exit(2);
}
const names = (requested.length > 0 ? requested : FUNCTIONS) as readonly FunctionName[];

for (const name of names) {
  const outdir = `dist/lambda/${name}`;
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const outfile = `${outdir}/index.mjs`;
  await build(bundleOptions(`lambda/${name}/index.ts`, outfile));
  const bytes = readFileSync(outfile);
  console.log(
    `${outfile.padEnd(48)} ${String(bytes.length).padStart(9)} B  ${String(gzipSync(bytes).length).padStart(8)} B gzip`,
  );
}
