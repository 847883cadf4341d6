import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppProcess, compileApp, imageForm, spawnApp } from './support/compiled-app.js';
import { npmSamplePhoto } from './support/face-photos.js';

/*
 * The Dockerfile's runtime stage, rehearsed without Docker by the same script as
 * `npm run image:size` (deploy/smoke/rehearse-runtime.sh): production dependencies, pruned, plus
 * the compiled app. The pruned tree must stay under the size target AND still run the app:
 * here as uid 65534 on a read-only app folder (what readOnlyRootFilesystem and runAsNonRoot give
 * it in deploy/k8s), writing only to DATA_DIR.
 */

const TARGET_MIB = 350;
const NOBODY = 65534;

describe('the runtime image layout', () => {
  let build: ReturnType<typeof compileApp>;
  let layout: string;
  let dataDir: string;
  let app: AppProcess | undefined;

  beforeAll(() => {
    build = compileApp();
    layout = mkdtempSync(path.join(tmpdir(), 'face-matrix-runtime-'));
    execFileSync('bash', ['deploy/smoke/rehearse-runtime.sh', layout, path.dirname(path.dirname(build.mainJs))], { stdio: 'inherit' });
    dataDir = mkdtempSync(path.join(tmpdir(), 'face-matrix-runtime-data-'));
  }, 300_000);
  afterAll(() => {
    if (app && app.child.exitCode === null) app.child.kill('SIGKILL');
    build?.remove();
    for (const dir of [layout, dataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`keeps node_modules under ${TARGET_MIB} MiB, without other platforms' ONNX Runtime or the Prisma CLI`, () => {
    const mib = Number(execFileSync('du', ['-sm', path.join(layout, 'node_modules')], { encoding: 'utf8' }).split('\t')[0]);
    console.log(`runtime node_modules: ${mib} MiB`);
    expect(mib).toBeLessThanOrEqual(TARGET_MIB);
    const onnxPlatforms = path.join(layout, 'node_modules/onnxruntime-node/bin/napi-v6');
    expect(
      readdirSync(onnxPlatforms).flatMap((platform) => readdirSync(path.join(onnxPlatforms, platform)).map((arch) => `${platform}/${arch}`)),
    ).toEqual([`${process.platform}/${process.arch}`]);
    for (const cli of ['prisma', '@prisma/engines', '@prisma/studio-core', 'typescript'])
      expect(existsSync(path.join(layout, 'node_modules', cli))).toBe(false);
  });

  it('serves from the pruned tree on a read-only folder as an unprivileged user, and drains on SIGTERM', async () => {
    const asNobody = process.getuid?.() === 0;
    if (asNobody) {
      // Readable by all (mkdtemp folders are 0700, and cp keeps that), writable by none.
      execFileSync('chmod', ['-R', 'a+rX,a-w', layout]);
      chownSync(dataDir, NOBODY, NOBODY);
    } else {
      console.log('not root: the layout runs as the current user, not as uid 65534');
    }
    app = await spawnApp(
      path.join(layout, 'dist/src/main.js'),
      dataDir,
      { NODE_ENV: 'production', HOME: dataDir, MODEL_REPOSITORY: path.join(layout, 'model_repository') },
      asNobody ? { cwd: layout, uid: NOBODY, gid: NOBODY } : { cwd: layout },
    );
    expect((await fetch(`${app.url}/health/serving`)).status).toBe(200);
    const recognised = await fetch(`${app.url}/api/v1/recognise_user`, { method: 'POST', body: imageForm(npmSamplePhoto(2)) });
    expect(recognised.status).toBe(200);
    expect(((await recognised.json()) as { message: string }).message).toBe('no_match');
    expect((await fetch(`${app.url}/`)).status).toBe(200);
    app.child.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});
