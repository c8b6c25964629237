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
}

export const registry = new Registry(ALL_DEFINITIONS);
