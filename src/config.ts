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
  JSON_OFFLOAD_BYTES: Type.Integer({
    minimum: 0,
    default: 256 * 1024,
    description: 'JSON bodies of at least this many bytes are parsed, computed and serialized in a worker.',
  }),
  BINARY_BODY_LIMIT: Type.Integer({ minimum: 1024, default: 128 * MiB, description: 'Largest binary request body, in bytes.' }),
  BINARY_MAX_ELEMENTS: Type.Integer({
    minimum: 1,
    default: 8_388_608,
    description: 'Most elements in one tensor of a binary request.',
  }),
  POOL_THREADS: Type.Integer({
    minimum: 0,
    default: 0,
    description: 'Worker threads running the kernels; 0 means os.availableParallelism().',
  }),
  POOL_QUEUE: Type.Integer({
    minimum: 0,
    default: 64,
    description: 'Requests admitted beyond the worker count; past threads + queue in flight, 503 with Retry-After.',
  }),
  INLINE_MAX_WORK: Type.Integer({
    minimum: 0,
    default: 200_000,
    description: 'Batches whose work (elements x the cost of the function, relu = 1) is below this run inline on the event loop.',
  }),
  REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 30_000, description: 'Longest time to receive a whole request.' }),
  HEADERS_TIMEOUT_MS: Type.Integer({ minimum: 1000, default: 10_000, description: 'Longest time to receive the request headers.' }),
  KEEP_ALIVE_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    default: 5_000,
    description:
      'Idle keep-alive sockets are closed after this; keep it above the idle timeout of the proxy in front (e.g. 65000 behind a 60 s load balancer).',
  }),
  DRAIN_TIMEOUT_MS: Type.Integer({
    minimum: 1000,
    default: 20_000,
    description: 'On SIGTERM, in-flight work has this long to finish before the process exits anyway.',
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
