import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants.js';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { validateEnvironment } from '../src/config/environment.js';
import { HealthController } from '../src/health/health.controller.js';
import { MODEL_SPECS, TRITON_CPU_BUDGET } from '../tools/models/model-specs.mjs';
import { restrictedViolations } from './support/pod-security.js';

/*
 * deploy/k8s cannot be applied here (no cluster), so it is held to what a cluster would check and to
 * what the app needs: the Kubernetes API schemas (kubernetes-models, generated from the Kubernetes
 * OpenAPI document: types, enums, required fields; plus its TypeScript declarations, which refuse
 * unknown fields as kubectl's strict validation does), the restricted Pod Security Standard, and
 * timings consistent with the app's own settings.
 */

type Yaml = Record<string, any>;
const dir = join('deploy', 'k8s');
const files = readdirSync(dir).filter((file) => file.endsWith('.yaml'));
const documents: (Yaml & { file: string })[] = files.flatMap((file) =>
  parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => ({ ...(doc.toJS() as Yaml), file })),
);
const find = (kind: string, name: string) => {
  const found = documents.find((doc) => doc.kind === kind && doc.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in deploy/k8s`);
  return found;
};
const app = find('Deployment', 'face-matrix');
const appContainer = app.spec.template.spec.containers[0];
const appEnv: Record<string, Yaml> = Object.fromEntries(appContainer.env.map((entry: Yaml) => [entry.name, entry]));
const triton = find('Deployment', 'triton');

/** kubernetes-models' module for a document: kubernetes-models/<group/version>/<Kind>. */
const modelModule = (doc: Yaml) => `kubernetes-models/${doc.apiVersion}/${doc.kind}`;
const withoutFile = ({ file: _file, ...doc }: Yaml) => doc;

describe('deploy/k8s against the Kubernetes API schemas', () => {
  it.each(documents.map((doc) => [`${doc.file}: ${doc.kind} ${doc.metadata?.name}`, doc]))('%s validates', async (_label, doc) => {
    const models = (await import(modelModule(doc))) as Record<string, new (data: Yaml) => { validate(): void }>;
    expect(() => new models[doc.kind](withoutFile(doc)).validate()).not.toThrow();
  });

  it('and the validation refuses a wrong type, a missing required field and a wrong quantity', async () => {
    const { Deployment } = await import('kubernetes-models/apps/v1/Deployment');
    const broken = (edit: (doc: Yaml) => void) => {
      const doc = structuredClone(withoutFile(app));
      edit(doc);
      return () => new Deployment(doc).validate();
    };
    expect(broken((doc) => (doc.spec.template.spec.containers[0].livenessProbe.timeoutSeconds = 'five'))).toThrow(/timeoutSeconds must be integer/);
    expect(broken((doc) => delete doc.spec.template.spec.containers[0].name)).toThrow(/containers\/0 must have required property name/);
    expect(broken((doc) => (doc.spec.template.spec.volumes[0].emptyDir.sizeLimit = { gigabytes: 1 }))).toThrow();
  });

  it('has no field the API does not know (type-checked like `kubectl apply --validate=strict`), and the check catches a typo', () => {
    const work = mkdtempSync(join('.model-cache', 'k8s-types-'));
    try {
      const source = (docs: Yaml[]) =>
        docs
          .map(
            (doc, i) =>
              `import type { I${doc.kind} as T${i} } from '${modelModule(doc)}';\nexport const doc${i}: T${i} = ${JSON.stringify(withoutFile(doc))};`,
          )
          .join('\n');
      writeFileSync(join(work, 'manifests.ts'), source(documents));
      const typo = structuredClone(withoutFile(app));
      typo.spec.template.spec.containers[0].readinesProbe = typo.spec.template.spec.containers[0].readinessProbe;
      writeFileSync(join(work, 'canary.ts'), source([typo]));
      const tsc = () =>
        execFileSync(
          process.execPath,
          [
            'node_modules/typescript/bin/tsc',
            '--ignoreConfig',
            '--noEmit',
            '--strict',
            '--skipLibCheck',
            '--module',
            'nodenext',
            '--moduleResolution',
            'nodenext',
            '--target',
            'es2022',
            join(work, 'manifests.ts'),
            join(work, 'canary.ts'),
          ],
          { encoding: 'utf8' },
        );
      let output = '';
      try {
        output = tsc();
      } catch (error) {
        output = (error as { stdout: string }).stdout;
      }
      const errors = output.split('\n').filter((line) => /error TS/.test(line));
      expect(errors.filter((line) => !line.includes('canary.ts'))).toEqual([]);
      expect(errors.filter((line) => line.includes('canary.ts')).join('\n')).toMatch(/readinesProbe/);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('deploy/k8s and the restricted Pod Security Standard', () => {
  const pods = documents
    .filter((doc) => doc.spec?.template?.spec)
    .map((doc) => [`${doc.kind} ${doc.metadata.name}`, doc.spec.template.spec] as const);

  it.each(pods)('%s passes, with a read-only root filesystem and an emptyDir for /tmp', (_name, pod) => {
    expect(restrictedViolations(pod)).toEqual([]);
    for (const container of [...(pod.initContainers ?? []), ...pod.containers]) expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    for (const container of pod.containers) {
      const tmp = container.volumeMounts.find((mount: Yaml) => mount.mountPath === '/tmp');
      expect(pod.volumes.find((volume: Yaml) => volume.name === tmp?.name)?.emptyDir).toBeDefined();
    }
  });

  it('the check refuses what the restricted profile refuses', () => {
    const bad = structuredClone(app.spec.template.spec);
    bad.securityContext = { runAsUser: 0 };
    bad.hostNetwork = true;
    bad.volumes.push({ name: 'host', hostPath: { path: '/' } });
    bad.containers[0].securityContext = { privileged: true, capabilities: { add: ['SYS_ADMIN'] }, seccompProfile: { type: 'Unconfined' } };
    bad.containers[0].ports.push({ containerPort: 9000, hostPort: 9000 });
    expect(restrictedViolations(bad)).toEqual(
      expect.arrayContaining([
        'pod: hostNetwork must not be true',
        'volume host: hostPath is not allowed',
        'pod: runAsUser must not be 0',
        'container face-matrix: privileged must not be true',
        'container face-matrix: hostPort 9000 is not allowed',
        'container face-matrix: allowPrivilegeEscalation must be false',
        'container face-matrix: runAsNonRoot must be true',
        'container face-matrix: seccompProfile.type must be RuntimeDefault or Localhost',
        'container face-matrix: capabilities.drop must include ALL',
        'container face-matrix: capability SYS_ADMIN must not be added',
      ]),
    );
  });
});

describe('deploy/k8s timings and probes, against the app', () => {
  const drainMs = validateEnvironment({ SHUTDOWN_DRAIN_MS: appEnv.SHUTDOWN_DRAIN_MS?.value }).SHUTDOWN_DRAIN_MS;
  const preStop: string[] = appContainer.lifecycle.preStop.exec.command;
  const pauseSeconds = Number(preStop[1]);

  it('pauses in preStop long enough for the endpoints to update, and gives the drain its time after it', () => {
    expect(preStop[0]).toBe('sleep');
    expect(pauseSeconds).toBeGreaterThanOrEqual(5);
    // The grace period runs from the start of preStop; after the drain, closing takes a few seconds more.
    const marginSeconds = app.spec.template.spec.terminationGracePeriodSeconds - pauseSeconds - drainMs / 1000;
    expect(marginSeconds).toBeGreaterThanOrEqual(5);
    expect(appEnv.SHUTDOWN_DRAIN_MS.value).toBe(String(drainMs));
  });

  it('probes liveness on /health/live with a timeout of a few seconds, readiness on the replica-local /health/serving', () => {
    const routes = Object.getOwnPropertyNames(HealthController.prototype)
      .filter((name) => name !== 'constructor')
      .map((name) => `/health/${Reflect.getMetadata(PATH_METADATA, (HealthController.prototype as unknown as Record<string, object>)[name])}`);
    expect(routes).toEqual(expect.arrayContaining(['/health/live', '/health/serving', '/health/ready']));
    expect(appContainer.livenessProbe.httpGet.path).toBe('/health/live');
    expect(appContainer.livenessProbe.timeoutSeconds).toBeGreaterThanOrEqual(3);
    expect(appContainer.livenessProbe.timeoutSeconds).toBeLessThanOrEqual(10);
    expect(appContainer.readinessProbe.httpGet.path).toBe('/health/serving');
    expect(appContainer.startupProbe.httpGet.path).toBe('/health/live');
    for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) expect(routes).toContain(appContainer[probe].httpGet.path);
  });

  it('scales on CPU between at least 2 replicas, and disruptions take one at a time', () => {
    const hpa = find('HorizontalPodAutoscaler', 'face-matrix');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'face-matrix' });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(hpa.spec.metrics).toEqual([
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: expect.any(Number) } } },
    ]);
    expect(appContainer.resources.requests.cpu).toBeDefined(); // utilisation is relative to it
    expect(app.spec.replicas).toBeUndefined(); // the HPA owns it
    const pdb = find('PodDisruptionBudget', 'face-matrix');
    expect(pdb.spec.selector.matchLabels).toEqual(app.spec.template.metadata.labels);
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(app.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  it("gives Triton the CPUs its models' config.pbtxt use, and serves the configs as written", () => {
    const container = triton.spec.template.spec.containers[0];
    // A model the shipped pipeline never runs idles outside the budget (tools/models/model-specs.mjs).
    const threads = MODEL_SPECS.filter((spec) => !spec.triton.idle).reduce(
      (sum, spec) => sum + spec.triton.instances * spec.triton.intraOpThreads,
      0,
    );
    expect(threads).toBe(TRITON_CPU_BUDGET);
    expect(Number(container.resources.limits.cpu)).toBe(TRITON_CPU_BUDGET);
    expect(container.args).toEqual(expect.arrayContaining(['--model-repository=/models', '--disable-auto-complete-config']));
    expect(container.readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/v2/health/live');
  });
});

describe('deploy/k8s wiring', () => {
  it('reads DATABASE_URL and API_KEYS from the Secret and points at the Triton Service', () => {
    expect(appEnv.DATABASE_URL.valueFrom.secretKeyRef).toEqual({ name: 'face-matrix', key: 'DATABASE_URL' });
    expect(appEnv.API_KEYS.valueFrom.secretKeyRef).toEqual({ name: 'face-matrix', key: 'API_KEYS' });
    expect(appEnv.INFERENCE_BACKEND.value).toBe('triton');
    const [host, port] = String(appEnv.TRITON_GRPC_URL.value).split(':');
    expect(find('Service', host).spec.ports.map((entry: Yaml) => entry.port)).toContain(Number(port));
    expect(Object.keys(find('Secret', 'face-matrix').stringData).sort()).toEqual(['API_KEYS', 'DATABASE_URL']);
  });

  it('routes each Service to the pods of its Deployment', () => {
    for (const name of ['face-matrix', 'triton'])
      expect(find('Service', name).spec.selector).toEqual(find('Deployment', name).spec.template.metadata.labels);
  });

  it('connects to PostgreSQL with verify-full against the CA file that the pod mounts', () => {
    const url = new URL(find('Secret', 'face-matrix').stringData.DATABASE_URL);
    expect(url.searchParams.get('sslmode')).toBe('verify-full');
    const caFile = url.searchParams.get('sslrootcert')!;
    const mount = appContainer.volumeMounts.find((entry: Yaml) => caFile.startsWith(`${entry.mountPath}/`));
    const volume = app.spec.template.spec.volumes.find((entry: Yaml) => entry.name === mount?.name);
    const caSecret = find('Secret', volume.secret.secretName);
    expect(Object.keys(caSecret.stringData)).toContain(caFile.slice(mount.mountPath.length + 1));
    expect(validateEnvironment({ DATABASE_URL: url.href }).DATABASE_URL).toBe(url.href);
  });
});
