// Rewrites the catalogue table in README.md from the registry.
import { readFileSync, writeFileSync } from 'node:fs';
import { registry } from '../src/core/registry.js';
import { catalogueTable, TABLE_BEGIN, TABLE_END } from './catalogue-table.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf(TABLE_BEGIN);
const end = readme.indexOf(TABLE_END);
if (start < 0 || end < 0) throw new Error('README.md has no catalogue-table markers');
writeFileSync(path, readme.slice(0, start) + catalogueTable(registry.all()) + readme.slice(end + TABLE_END.length));
console.log('README.md catalogue table rewritten');
