// Regenerates the committed openapi.yaml from the running app's route schemas (npm run openapi).
import { writeFileSync } from 'node:fs';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';

const app = await buildApp(loadConfig({}), { logger: false });
writeFileSync(new URL('../openapi.yaml', import.meta.url), app.swagger({ yaml: true }));
await app.close();
console.log('wrote openapi.yaml');
