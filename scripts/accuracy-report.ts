// Measures every catalogue function against the mpmath reference and writes docs/ACCURACY.md.
// Run: npm run accuracy  (node --import tsx scripts/accuracy-report.ts)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { registry } from '../src/core/registry.js';
import { ACCURACY_RULES, BOUNDS, type Quantity, measureCase, summarize } from '../test/helpers/accuracy.js';
import { fixtureNames, loadReference } from '../test/helpers/reference.js';
import { formatUlp } from '../test/helpers/ulp.js';

const OUT = fileURLToPath(new URL('../docs/ACCURACY.md', import.meta.url));

function cell(v: number | undefined, bound: number): string {
  if (v === undefined) return '—';
  const s = formatUlp(v);
  return v <= bound ? s : `**${s}**`;
}

const rows: string[] = [];
const problems: string[] = [];
let within = 0;
for (const def of registry.all()) {
  const bounds = def.kind === 'elementwise' ? BOUNDS.elementwise : BOUNDS.axis;
  let file;
  try {
    file = loadReference(def.name);
  } catch (err) {
    rows.push(`| ${def.name} | ${def.kind} | — | — | — | — | no: ${(err as Error).message} |`);
    problems.push((err as Error).message);
    continue;
  }
  const results = file.cases.map((c) => measureCase(def, c));
  const s = summarize(results);
  if (s.withinBounds) within++;
  const q = (k: Quantity) => cell(s.worst[k], bounds[k]);
  const firstError = s.errors[0]?.slice(0, 160).replace(/\|/g, '\\|');
  const status = s.withinBounds ? 'yes' : firstError ? `no: ${firstError}` : 'no';
  rows.push(
    `| ${def.name} | ${def.kind} | ${q('forward')} | ${def.kind === 'elementwise' ? q('derivative') : '—'} | ` +
      `${q('vjp')} | ${def.learnable.length > 0 ? q('params') : '—'} | ${status} |`,
  );
  if (s.errors.length > 0) problems.push(`${def.name}: ${s.errors.length} problem(s), first: ${s.errors[0]}`);
  const show = (k: Quantity) => (s.worst[k] === undefined ? '—' : formatUlp(s.worst[k])).padStart(9);
  console.log(
    `${def.name.padEnd(13)} forward ${show('forward')}  derivative ${show('derivative')}  vjp ${show('vjp')}  ` +
      `params ${show('params')}  ${s.withinBounds ? 'ok' : s.errors.length > 0 ? 'ERROR' : 'OVER BOUND'}`,
  );
}
const orphans = fixtureNames().filter((n) => registry.get(n) === undefined);
for (const n of orphans) problems.push(`fixture ${n}.json has no registry function`);

const doc = `# Accuracy

Worst error in ULPs of float64 of every catalogue function against a 50-digit mpmath reference,
measured by \`npm run accuracy\` (this file is written by \`scripts/accuracy-report.ts\`; do not edit
it by hand). \`test/core/accuracy.test.ts\` enforces the same bounds, and
\`test/core/derivatives.test.ts\` checks every derivative and parameter gradient against central
differences.

${within} of ${registry.names().length} functions are within their bounds. Bold: over the bound.

| function | kind | forward | derivative | VJP | param grads | within bounds |
|---|---|---|---|---|---|---|
${rows.join('\n')}

Bounds: elementwise forward and derivative ${BOUNDS.elementwise.forward} ULP, VJP ${BOUNDS.elementwise.vjp} ULP;
axis functions and logsumexp ${BOUNDS.axis.forward} ULP; parameter gradients ${BOUNDS.elementwise.params} ULP of the sum of magnitudes.

## Rules

${ACCURACY_RULES}

## The reference

\`test/fixtures/generate_reference.py\` evaluates each function from its mathematical definition
(the catalogue's formulas, PyTorch's values at kinks) with mpmath at 50 digits, at the exact double inputs and
parameters, and checks every value again at 100 digits. Points: ±0, subnormals (5e-324, 1e-310),
±1e-300, ±1e-17, ±1e-8, ±1e-3, each kink and its two neighbouring doubles on each side, a grid
±0.1…±10, seeded random values, ±15…±40 (the erfc/exp underflow region), ±100, ±700, ±709.78,
±710, ±740, ±745, ±1e5, ±1e10, ±1e300; every function with its default parameters and one or two
others. Axis functions use 1-D, 2-D and 3-D tensors with rows (length 1…16) mixing those values,
along dim -1, 0 and 1. Each case carries a seeded random grad_output.

Formula constants are exact: sqrt(2/pi) and 0.044715 in the tanh form of GELU, SELU's alpha and
scale as the 32-digit decimals PyTorch quotes.

## Regenerate

\`\`\`sh
apt-get install python3-mpmath        # or: pip install mpmath
python3 test/fixtures/generate_reference.py   # rewrites test/fixtures/reference/*.json
npm run accuracy                            # rewrites this file
npx tap test/core/accuracy.test.ts          # enforces the bounds
\`\`\`
${problems.length > 0 ? `\n## Problems at the last run\n\n${problems.map((p) => `- ${p.replace(/\n/g, ' ')}`).join('\n')}\n` : ''}`;

writeFileSync(OUT, doc);
console.log(`\n${within}/${registry.names().length} functions within bounds; wrote ${OUT}`);
