// The service configuration: one TypeBox schema for the environment, its static type, one loader.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const MiB = 1024 * 1024;

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on.' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address to listen on.' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info', description: 'pino log level.' },
  ),
  JSON_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 32 * MiB, description: 'Largest JSON request body, in bytes.' }),
  JSON_MAX_ELEMENTS: Type.Integer({
    minimum: 1,
    default: 1_048_576,
    description: 'Most elements in one tensor of a JSON request (x or grad_output).',
  }),
}, { additionalProperties: true });

export type Config = Static<typeof ConfigSchema>;

/** Reads the configuration from environment variables; throws naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known: Record<string, unknown> = {};
  for (const key of Object.keys(ConfigSchema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') known[key] = value;
  }
  const config = Value.Default(ConfigSchema, Value.Convert(ConfigSchema, known));
  const problems = [...Value.Errors(ConfigSchema, config)].map(
    (e) => `${e.path.slice(1)}=${JSON.stringify(known[e.path.slice(1)])}: ${e.message}`,
  );
  if (problems.length > 0) throw new Error(`invalid configuration: ${problems.join('; ')}`);
  return config as Config;
}
