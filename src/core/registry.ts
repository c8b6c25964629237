// The catalogue: name -> definition. Adding a function means one file in functions/ and one line here.
import type { ActivationDefinition } from './definition.js';
import { ALL_DEFINITIONS } from './functions/index.js';

export class Registry {
  readonly #byName = new Map<string, ActivationDefinition>();

  constructor(definitions: readonly ActivationDefinition[]) {
    for (const def of definitions) this.add(def);
  }

  add(def: ActivationDefinition): void {
    if (this.#byName.has(def.name)) throw new Error(`duplicate activation name: ${def.name}`);
    this.#byName.set(def.name, def);
  }

  get(name: string): ActivationDefinition | undefined {
    return this.#byName.get(name);
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  all(): ActivationDefinition[] {
    return [...this.#byName.values()];
  }

  /** Names close to a misspelt one (edit distance, or one containing the other), closest first. */
  closest(name: string, limit = 3): string[] {
    const wanted = name.toLowerCase();
    return this.names()
      .map((n) => ({ n, d: editDistance(wanted, n) }))
      .filter(({ n, d }) => d <= Math.max(2, Math.floor(n.length / 3)) || n.includes(wanted) || wanted.includes(n))
      .sort((a, b) => a.d - b.d || a.n.localeCompare(b.n))
      .slice(0, limit)
      .map(({ n }) => n);
  }
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

export const registry = new Registry(ALL_DEFINITIONS);
