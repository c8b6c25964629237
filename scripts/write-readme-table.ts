// Rewrites the generated tables of README.md: functions, configuration and errors.
import { readFileSync, writeFileSync } from 'node:fs';
import { withTables } from './readme-tables.js';

const path = new URL('../README.md', import.meta.url);
writeFileSync(path, withTables(readFileSync(path, 'utf8')));
console.log('README.md tables rewritten');
