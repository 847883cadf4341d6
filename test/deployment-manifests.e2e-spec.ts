import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { validateEnvironment } from '../src/config/environment.js';

/*
 * The deployable stack cannot run here (no Docker engine, no Kubernetes, no Triton binary), so
 * these tests hold the files to what the stack needs: service names, healthchecks, start order,
 * environment the app accepts, probe paths that exist. `docker-compose config -q` was also run.
 */

type Yaml = Record<string, any>;

const compose: Yaml = parse(readFileSync('docker-compose.yml', 'utf8'));
const composeText = readFileSync('docker-compose.yml', 'utf8');

/** Resolves ${VAR:-default} as Compose does with VAR unset. */
function withDefaults(value: string): string {
  return value.replace(/\$\{(\w+):-([^}]*)\}/g, (_, _name: string, fallback: string) => fallback);
}

describe('docker-compose.yml', () => {
  const services = compose.services;

  it('has the four services', () => {
    expect(Object.keys(services).sort()).toEqual(['app', 'models', 'postgres', 'triton']);
  });

  it('runs PostgreSQL with pgvector and a pg_isready healthcheck', () => {
    expect(services.postgres.image).toMatch(/^pgvector\/pgvector:pg1[6-9]$/);
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
  });

  it('fills the model volume from the app image before Triton starts', () => {
    const models = services.models;
    expect(models.image).toBe(services.app.image);
    expect(models.build).toEqual(services.app.build);
    expect(models.command.join(' ')).toContain('/app/model_repository/. /models/');
    expect(models.volumes).toContain('model-repository:/models');
    expect(services.triton.depends_on.models.condition).toBe('service_completed_successfully');
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['model-repository', 'postgres-data']));
  });

  it('runs Triton on the read-only repository, ports 8000-8002, healthy when /v2/health/ready answers', () => {
    const triton = services.triton;
    expect(withDefaults(triton.image)).toMatch(/^nvcr\.io\/nvidia\/tritonserver:\d{2}\.\d{2}-py3$/);
    expect(triton.command).toEqual(expect.arrayContaining(['tritonserver', '--model-repository=/models']));
    expect(triton.volumes).toContain('model-repository:/models:ro');
    expect(triton.ports).toEqual(['8000:8000', '8001:8001', '8002:8002']);
    expect(triton.healthcheck.test.join(' ')).toContain('http://localhost:8000/v2/health/ready');
  });

  it('keeps GPU reservation lines ready to uncomment', () => {
    const commented = composeText.split('\n').filter((line) => /^\s*#/.test(line)).join('\n');
    expect(commented).toMatch(/deploy:[\s#]*resources:[\s#]*reservations:[\s#]*devices:[\s#]*- driver: nvidia/);
  });

  it('starts the app on Triton only once PostgreSQL and Triton are healthy', () => {
    const app = services.app;
    expect(app.build.context).toBe('.');
    expect(app.ports).toContain('8080:8080');
    expect(app.depends_on).toEqual({ postgres: { condition: 'service_healthy' }, triton: { condition: 'service_healthy' } });
    expect(app.environment).toMatchObject({ INFERENCE_BACKEND: 'triton', TRITON_GRPC_URL: 'triton:8001' });
    expect(withDefaults(app.environment.DATABASE_URL)).toBe('postgresql://face_matrix:face_matrix@postgres:5432/face_matrix');
  });

  it('passes `docker compose config -q` where a Compose CLI is installed', () => {
    const cli = [['docker', 'compose'], ['docker-compose']].find(([command, ...args]) => spawnSync(command, [...args, 'version'], { stdio: 'ignore' }).status === 0);
    if (cli === undefined) {
      console.log('No Compose CLI here: docker-compose.yml is only checked by parsing it');
      return;
    }
    const [command, ...args] = cli;
    const result = spawnSync(command, [...args, '-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });

  it("gives the app an environment that the app's own validation accepts", () => {
    const env = Object.fromEntries(Object.entries(services.app.environment as Record<string, string>).map(([key, value]) => [key, withDefaults(value)]));
    const validated = validateEnvironment(env);
    expect(validated.INFERENCE_BACKEND).toBe('triton');
    expect(validated.DATABASE_URL).toContain('@postgres:5432/');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const finalStage = stages.at(-1) ?? '';

  it('is multi-stage on node:20-bookworm-slim', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toContain('ARG NODE_IMAGE=node:20-bookworm-slim');
  });

  it('builds the models and the app in the build stage', () => {
    expect(stages[0]).toMatch(/^RUN npm ci$/m);
    expect(stages[0]).toMatch(/^RUN npm run build$/m);
  });

  it('installs production dependencies only, as a non-root user, with a liveness HEALTHCHECK', () => {
    expect(finalStage).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(finalStage).toMatch(/COPY --from=build \/app\/model_repository/);
    expect(finalStage).toMatch(/COPY --from=build \/app\/dist/);
    expect(finalStage).toMatch(/^USER node$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
    expect(finalStage).toMatch(/^EXPOSE 8080$/m);
    expect(finalStage).toContain('CMD ["node", "dist/src/main.js"]');
  });

  it('keeps build outputs and secrets out of the build context', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'src/generated', '.env', 'model_repository/*/']));
  });
});

describe('deploy/k8s', () => {
  const dir = join('deploy', 'k8s');
  const documents: Yaml[] = readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .flatMap((file) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((doc) => doc.toJS() as Yaml));
  const find = (kind: string, name: string) => documents.find((doc) => doc.kind === kind && doc.metadata.name === name);

  it('scales the app as stateless replicas with resources and both probes', () => {
    const app = find('Deployment', 'face-matrix');
    expect(app?.spec.replicas).toBeGreaterThanOrEqual(2);
    const container = app?.spec.template.spec.containers[0];
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.resources.requests).toHaveProperty('cpu');
    expect(container.resources.limits).toHaveProperty('memory');
  });

  it('reads DATABASE_URL and API_KEYS from the Secret and points at the Triton Service', () => {
    const container = find('Deployment', 'face-matrix')?.spec.template.spec.containers[0];
    const env = Object.fromEntries(container.env.map((entry: Yaml) => [entry.name, entry]));
    expect(env.DATABASE_URL.valueFrom.secretKeyRef).toEqual({ name: 'face-matrix', key: 'DATABASE_URL' });
    expect(env.API_KEYS.valueFrom.secretKeyRef).toEqual({ name: 'face-matrix', key: 'API_KEYS' });
    expect(env.INFERENCE_BACKEND.value).toBe('triton');
    const [host, port] = String(env.TRITON_GRPC_URL.value).split(':');
    const tritonService = find('Service', host);
    expect(tritonService?.spec.ports.map((entry: Yaml) => entry.port)).toContain(Number(port));
    expect(Object.keys(find('Secret', 'face-matrix')?.stringData ?? {}).sort()).toEqual(['API_KEYS', 'DATABASE_URL']);
  });

  it('routes each Service to the pods of its Deployment', () => {
    for (const name of ['face-matrix', 'triton']) {
      expect(find('Service', name)?.spec.selector).toEqual(find('Deployment', name)?.spec.template.metadata.labels);
    }
  });

  it("probes Triton on its own health endpoints", () => {
    const triton = find('Deployment', 'triton')?.spec.template.spec.containers[0];
    expect(triton.readinessProbe.httpGet.path).toBe('/v2/health/ready');
    expect(triton.livenessProbe.httpGet.path).toBe('/v2/health/live');
    expect(triton.args).toContain('--model-repository=/models');
  });
});
