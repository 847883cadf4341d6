import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { parse } from 'yaml';
import { validateEnvironment } from '../src/config/environment.js';

/*
 * The deployable stack cannot run here (no Docker engine, no Triton binary), so these tests hold
 * the files to what the stack needs: service names, healthchecks, start order, environment the app
 * accepts, pinned images, what the install may download. deploy/k8s: kubernetes-manifests.e2e-spec.ts;
 * the image's runtime stage, rehearsed: runtime-image.e2e-spec.ts.
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

  it('runs PostgreSQL with pgvector, pinned to an exact tag, with a pg_isready healthcheck', () => {
    expect(services.postgres.image).toMatch(/^pgvector\/pgvector:\d+\.\d+\.\d+-pg1[6-9]-bookworm$/);
    expect(services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
  });

  it('fills the model volume from the app image before Triton starts', () => {
    const models = services.models;
    expect(models.image).toBe(services.app.image);
    expect(models.build).toEqual(services.app.build);
    expect(models.command.join(' ')).toContain('/app/model_repository/. /models/');
    expect(models.volumes).toContain('model-repository:/models');
    // Triton reads the repository only at start: restart it when `models` refilled the volume.
    expect(services.triton.depends_on.models).toEqual({ condition: 'service_completed_successfully', restart: true });
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['model-repository', 'postgres-data']));
  });

  it('runs Triton on the read-only repository as configured, on loopback ports only, healthy when /v2/health/ready answers', () => {
    const triton = services.triton;
    expect(withDefaults(triton.image)).toMatch(/^nvcr\.io\/nvidia\/tritonserver:\d{2}\.\d{2}-py3$/);
    expect(triton.command).toEqual(expect.arrayContaining(['tritonserver', '--model-repository=/models', '--disable-auto-complete-config']));
    expect(triton.volumes).toContain('model-repository:/models:ro');
    // Triton has no authentication: nothing but this host may reach it.
    expect(triton.ports).toEqual(['127.0.0.1:8000:8000', '127.0.0.1:8001:8001', '127.0.0.1:8002:8002']);
    expect(triton.healthcheck.test.join(' ')).toContain('http://localhost:8000/v2/health/ready');
  });

  it('keeps GPU reservation lines ready to uncomment', () => {
    const commented = composeText
      .split('\n')
      .filter((line) => /^\s*#/.test(line))
      .join('\n');
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
    const cli = [['docker', 'compose'], ['docker-compose']].find(
      ([command, ...args]) => spawnSync(command, [...args, 'version'], { stdio: 'ignore' }).status === 0,
    );
    if (cli === undefined) {
      console.log('No Compose CLI here: docker-compose.yml is only checked by parsing it');
      return;
    }
    const [command, ...args] = cli;
    const result = spawnSync(command, [...args, '-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8' });
    expect({ status: result.status, stderr: result.stderr.trim() }).toEqual({ status: 0, stderr: '' });
  });

  it("gives the app an environment that the app's own validation accepts", () => {
    const env = Object.fromEntries(
      Object.entries(services.app.environment as Record<string, string>).map(([key, value]) => [key, withDefaults(value)]),
    );
    const validated = validateEnvironment(env);
    expect(validated.INFERENCE_BACKEND).toBe('triton');
    expect(validated.DATABASE_URL).toContain('@postgres:5432/');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync('Dockerfile', 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const [buildStage, finalStage] = [stages[0] ?? '', stages.at(-1) ?? ''];
  const packageJson = JSON.parse(readFileSync('package.json', 'utf8'));

  it('builds on a Node LTS bookworm-slim image pinned to an exact release that package.json engines allow', () => {
    const image = /^ARG NODE_IMAGE=node:(\d+\.\d+\.\d+)-bookworm-slim$/m.exec(dockerfile);
    expect(image).not.toBeNull();
    const version = image![1];
    expect(semver.major(version) % 2).toBe(0); // even majors become LTS
    expect(semver.major(version)).toBeGreaterThanOrEqual(22); // Node 20 reached end of life on 2026-04-30
    expect(semver.satisfies(version, packageJson.engines.node)).toBe(true);
    // And the engines hold what CI runs on.
    expect(semver.satisfies(process.versions.node, packageJson.engines.node)).toBe(true);
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('copies only what npm ci and its postinstall read before npm ci, so other changes keep the install layer', () => {
    const beforeInstall = buildStage.slice(0, buildStage.search(/^RUN npm ci$/m));
    const copied = [...beforeInstall.matchAll(/^COPY (.+) \S+$/gm)].flatMap((match) => match[1].split(' '));
    expect(copied.sort()).toEqual([
      '.npmrc',
      'package-lock.json',
      'package.json',
      'prisma',
      'prisma.config.ts',
      'tools/models',
      'tools/prisma-generate.mjs',
    ]);
    expect(buildStage).toMatch(/^RUN npm run build$/m);
  });

  it('installs production dependencies only, pruned, as a numeric non-root user, with a liveness HEALTHCHECK', () => {
    expect(finalStage).toMatch(/npm ci --omit=dev --ignore-scripts && node \/tmp\/prune-runtime-modules\.mjs/);
    expect(finalStage).toMatch(/COPY --from=build \/app\/model_repository/);
    expect(finalStage).toMatch(/COPY --from=build \/app\/dist/);
    expect(finalStage).toMatch(/^USER 1000:1000$/m);
    expect(finalStage).toMatch(/^HEALTHCHECK [\s\S]*\/health\/live/m);
    expect(finalStage).toMatch(/^EXPOSE 8080$/m);
    expect(finalStage).toContain('CMD ["node", "dist/src/main.js"]');
  });

  it('keeps build outputs, local state and secrets out of the build context, and lets in what the build copies', () => {
    const ignored = readFileSync('.dockerignore', 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', 'src/generated', '.env', 'model_repository/*/', '.face-matrix-enroll/']));
    for (const needed of ['.npmrc', 'tools', 'tools/image', 'prisma', 'public']) expect(ignored).not.toContain(needed);
  });
});

describe('installing on any npm', () => {
  const npmrc = readFileSync('.npmrc', 'utf8');
  const nodeOptions = /^node-options=\$\{NODE_OPTIONS\?\} (.+)$/m.exec(npmrc)?.[1];

  it("sets each downloading install script's own switch, for that package only, through node-options", () => {
    expect(nodeOptions).toBeDefined();
    const envOf = (npmPackageName: string) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          ['-e', 'console.log(JSON.stringify({ ort: process.env.ONNXRUNTIME_NODE_INSTALL, prisma: process.env.PRISMA_SCHEMA_ENGINE_BINARY }))'],
          {
            env: { PATH: process.env.PATH, NODE_OPTIONS: nodeOptions, npm_package_name: npmPackageName },
            encoding: 'utf8',
          },
        ),
      );
    expect(envOf('onnxruntime-node')).toEqual({ ort: 'skip' });
    expect(envOf('@prisma/engines')).toEqual({ prisma: process.execPath });
    expect(envOf('face-matrix')).toEqual({});
  });

  it('turns Scarf analytics off and keeps npm 11 from running the same scripts', () => {
    const packageJson = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(packageJson.scarfSettings).toEqual({ enabled: false });
    for (const name of ['onnxruntime-node', '@prisma/engines', '@scarf/scarf']) expect(packageJson.allowScripts[name]).toBe(false);
    expect(packageJson.engines.npm).toBe('>=10');
  });
});
