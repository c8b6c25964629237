// deploy/k8s agrees with the app: port, probe routes, config variables, drain deadline, selectors.
import { readdirSync, readFileSync } from 'node:fs';
import t from 'tap';
import { parse } from 'yaml';
import { ConfigSchema, loadConfig } from '../../src/config.js';
import { testApp } from '../helpers/app.js';

const DIR = new URL('../../deploy/k8s/', import.meta.url);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { resourceFieldRef?: { containerName?: string; resource: string; divisor?: string } };
}
interface Probe {
  httpGet?: { path: string; port: string | number };
}
interface Container {
  name: string;
  image: string;
  ports: { name?: string; containerPort: number }[];
  env: EnvVar[];
  resources: { requests?: Record<string, string>; limits?: Record<string, string> };
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
}
interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec: any;
}

const files = readdirSync(DIR).filter((f) => f.endsWith('.yaml'));
const manifests: Manifest[] = files.filter((f) => f !== 'kustomization.yaml').map((f) => parse(readFileSync(new URL(f, DIR), 'utf8')));
const byKind = (kind: string): Manifest => {
  const found = manifests.filter((m) => m.kind === kind);
  if (found.length !== 1) throw new Error(`expected one ${kind}, found ${found.length}`);
  return found[0];
};
const deployment = byKind('Deployment');
const pod = deployment.spec.template;
const container: Container = pod.spec.containers.find((c: Container) => c.name === 'rectifier');
const envValue = (name: string) => container.env.find((e) => e.name === name)?.value;

/** The port number a probe or Service names, by number or by the container port's name. */
function portNumber(port: string | number): number | undefined {
  return typeof port === 'number' ? port : container.ports.find((p) => p.name === port)?.containerPort;
}

/** Seconds the preStop hook holds the pod before SIGTERM. */
function preStopSeconds(): number {
  const hook = container.lifecycle?.preStop;
  if (hook?.sleep) return hook.sleep.seconds;
  const command = hook?.exec?.command ?? [];
  return command[0] === 'sleep' ? Number(command[1]) : 0;
}

t.test('every manifest is listed in kustomization.yaml and has a kind and a name', async (t) => {
  const kustomization = parse(readFileSync(new URL('kustomization.yaml', DIR), 'utf8'));
  t.same([...kustomization.resources].sort(), files.filter((f) => f !== 'kustomization.yaml').sort());
  t.same(manifests.map((m) => m.kind).sort(), ['Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
  for (const m of manifests) t.equal(m.metadata.name, 'rectifier', `${m.kind} name`);
});

t.test('the container listens where the app listens', async (t) => {
  const port = container.ports.find((p) => p.name === 'http')?.containerPort;
  const configured = loadConfig({ PORT: envValue('PORT') }).PORT;
  t.equal(port, configured, 'containerPort is the PORT the app reads');
  const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
  t.match(dockerfile, new RegExp(`^EXPOSE ${port}$`, 'm'), 'the image exposes it');
  t.match(dockerfile, new RegExp(`PORT=${port}\\b`), 'the image sets it');
});

t.test('the health port is HEALTH_PORT, and the scrape annotation names it', async (t) => {
  const port = container.ports.find((p) => p.name === 'health')?.containerPort;
  t.equal(port, loadConfig({ HEALTH_PORT: envValue('HEALTH_PORT') }).HEALTH_PORT, 'containerPort "health" is HEALTH_PORT');
  const deployment = manifests.find((m) => m.kind === 'Deployment') as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
  t.equal(Number(deployment.spec.template.metadata.annotations['prometheus.io/port']), port, 'Prometheus scrapes the health port');
});

t.test('probes hit routes the app answers 200, liveness and readiness on the right ones', async (t) => {
  const app = await testApp(t, { POOL_THREADS: '1' });
  const probes = { startupProbe: '/health/live', livenessProbe: '/health/live', readinessProbe: '/health/ready' } as const;
  for (const [probe, path] of Object.entries(probes) as [keyof typeof probes, string][]) {
    const get = container[probe]?.httpGet;
    t.equal(get?.path, path, `${probe} path`);
    t.equal(portNumber(get?.port ?? ''), Number(envValue('HEALTH_PORT')), `${probe} port: HEALTH_PORT, where probes never queue behind a burst`);
    const res = await app.inject({ method: 'GET', url: get?.path ?? '' });
    t.equal(res.statusCode, 200, `${probe}: GET ${get?.path} is 200`);
  }
});

t.test('every env variable is one of the config schema, and the values load', async (t) => {
  const known = Object.keys(ConfigSchema.properties);
  for (const e of container.env) t.ok(known.includes(e.name), `${e.name} is a config variable`);
  const env: Record<string, string> = {};
  for (const e of container.env) env[e.name] = e.value ?? '2'; // resourceFieldRef: cores as an integer
  t.doesNotThrow(() => loadConfig(env), 'the configuration loads');
});

t.test('POOL_THREADS comes from this container\'s CPU limit, and requests and limits are set', async (t) => {
  const threads = container.env.find((e) => e.name === 'POOL_THREADS');
  t.same(threads?.valueFrom?.resourceFieldRef, { containerName: 'rectifier', resource: 'limits.cpu', divisor: '1' });
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory']) t.ok(container.resources[kind]?.[resource], `${kind}.${resource}`);
  }
});

t.test('the grace period outlasts the preStop pause plus the drain deadline', async (t) => {
  const drainMs = loadConfig({ DRAIN_TIMEOUT_MS: envValue('DRAIN_TIMEOUT_MS') }).DRAIN_TIMEOUT_MS;
  const preStop = preStopSeconds();
  t.ok(preStop > 0, 'a preStop pause lets endpoints update before SIGTERM');
  t.ok(
    pod.spec.terminationGracePeriodSeconds * 1000 > preStop * 1000 + drainMs,
    `terminationGracePeriodSeconds ${pod.spec.terminationGracePeriodSeconds} > ${preStop} + ${drainMs / 1000}`,
  );
});

t.test('Service, HPA and PDB select the Deployment\'s pods', async (t) => {
  const labels: Record<string, string> = pod.metadata.labels;
  const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);
  t.ok(selects(deployment.spec.selector.matchLabels), 'the Deployment selects its own pods');
  const service = byKind('Service');
  t.ok(selects(service.spec.selector), 'Service selector');
  for (const port of service.spec.ports) t.equal(portNumber(port.targetPort), container.ports[0].containerPort, 'Service targetPort');
  const pdb = byKind('PodDisruptionBudget');
  t.ok(selects(pdb.spec.selector.matchLabels), 'PDB selector');
  const hpa = byKind('HorizontalPodAutoscaler');
  t.same(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
  t.ok(hpa.spec.minReplicas >= 2, 'at least two pods, so the PDB can let one go');
});
