// The service configuration: one TypeBox schema for the environment, its static type, one loader.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const MiB = 1024 * 1024;

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on.' }),
  HOST: Type.String({ minLength: 1, default: '0.0.0.0', description: 'Address to listen on.' }),
  HEALTH_PORT: Type.Integer({
    minimum: 0,
    maximum: 65535,
    default: 0,
    description:
      'A second port answering only /health/* and /metrics, from a thread of its own, so probes never wait behind load on PORT; 0: none.',
  }),
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
  INLINE_MAX_WORK: Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 0 })], {
    default: 'auto',
    description:
      'Batches whose work (elements x the cost of the function, relu = 1) is below this run inline on the event loop; ' +
      'auto: 200000 with two or more POOL_THREADS, every batch inline with one (a single worker only competes with the event loop).',
  }),
  MEMORY_BUDGET_BYTES: Type.Integer({
    minimum: 0,
    default: 0,
    description:
      'Bytes the requests in flight may hold at once (bodies, buffers, answers); 0: 40 % of the container memory limit ' +
      '(cgroup), or 25 % of the machine memory without one.',
  }),
  TASK_TIMEOUT_MS: Type.Integer({
    minimum: 1,
    default: 10_000,
    description:
      'A pool task running longer is stopped (503 RECTIFIER_TIMEOUT), and its worker replaced if it does not stop within a second.',
  }),
  WORKER_HEAP_MB: Type.Integer({
    minimum: 0,
    default: 0,
    description: "Heap limit of each worker thread, in MiB (a worker past it ends, its request gets a 503); 0: V8's default.",
  }),
  API_KEYS: Type.String({
    default: '',
    description:
      'Comma-separated keys; when set (or API_KEYS_FILE), every route but /health/* and /metrics needs Authorization: Bearer <key>.',
  }),
  API_KEYS_FILE: Type.String({ default: '', description: 'A file of API keys, one per line (# starts a comment), read at start.' }),
  METRICS_API_KEY: Type.String({ default: '', description: 'When set, GET /metrics needs Authorization: Bearer <this key>.' }),
  RATE_LIMIT_MAX: Type.Integer({
    minimum: 0,
    default: 0,
    description: 'Requests per client (API key, else address) per RATE_LIMIT_WINDOW_MS, past which 429; 0: no limit.',
  }),
  RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000, description: 'The window of RATE_LIMIT_MAX.' }),
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
