import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, get as httpGet, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppProcess, compileApp, imageForm, spawnApp } from './support/compiled-app.js';
import { cropPortrait, npmSamplePhoto } from './support/face-photos.js';
import { ServiceProxy } from './support/service-proxy.js';
import { seedEmbeddedDataDir } from './support/embedded-template.js';

/*
 * A rolling update as Kubernetes runs it, with the compiled app in child processes behind a
 * kube-proxy-like Service (test/support/service-proxy.ts). Deleting the old pod does two things at
 * once: the endpoints controller takes the pod out of the Service (new connections go elsewhere
 * after a propagation delay; established ones stay), and the kubelet runs the preStop pause, then
 * sends SIGTERM. deploy/k8s/face-matrix.yaml pauses 10 s for a propagation of a few seconds; the
 * test scales both down, keeping the pause longer than the propagation.
 */

const CLIENTS = 12;
const ENDPOINT_PROPAGATION_MS = 1000;
const PRE_STOP_PAUSE_MS = 3000;

interface LoadResult {
  statuses: Map<number, number>;
  errors: string[];
}

/**
 * CLIENTS loops of recognise_user through the Service until `stop()`. Half use fetch, which keeps
 * a pool of connections alive and reuses them; half open a new connection for every request, as
 * short-lived clients do, so new connections keep arriving all through the rollout.
 */
function startLoad(url: string, face: Buffer): { stop(): Promise<LoadResult> } {
  const result: LoadResult = { statuses: new Map(), errors: [] };
  let running = true;
  const boundary = 'face-matrix-rollout';
  const multipart = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="face.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    face,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const pooled = async () => {
    const response = await fetch(`${url}/api/v1/recognise_user`, { method: 'POST', body: imageForm(face) });
    await response.arrayBuffer();
    return response.status;
  };
  const oneShot = () =>
    new Promise<number>((resolve, reject) => {
      const headers = { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': multipart.length };
      const outgoing = httpRequest(`${url}/api/v1/recognise_user`, { method: 'POST', agent: false, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      });
      outgoing.on('error', reject);
      outgoing.end(multipart);
    });
  const loops = Array.from({ length: CLIENTS }, async (_, client) => {
    while (running) {
      try {
        const status = await (client % 2 === 0 ? pooled() : oneShot());
        result.statuses.set(status, (result.statuses.get(status) ?? 0) + 1);
      } catch (error) {
        result.errors.push(String((error as Error).cause ?? error));
      }
    }
  });
  return {
    async stop() {
      running = false;
      await Promise.all(loops);
      return result;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const portOf = (app: AppProcess) => Number(new URL(app.url).port);

/** GET on one kept-alive socket of `agent`: the way a client that connected before SIGTERM sees the pod. */
function getOn(agent: Agent, app: AppProcess, route: string): Promise<{ status: number; connection?: string; body: any }> {
  return new Promise((resolve, reject) => {
    httpGet(`${app.url}${route}`, { agent }, (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, connection: response.headers.connection, body: JSON.parse(text) }));
    }).on('error', reject);
  });
}

async function untilOutput(app: AppProcess, pattern: RegExp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!pattern.test(app.output())) {
    if (Date.now() > deadline) throw new Error(`never logged ${pattern}:\n${app.output()}`);
    await sleep(10);
  }
}

describe('a rolling update under load', () => {
  let build: ReturnType<typeof compileApp>;
  let proxy: ServiceProxy;
  /** The pod the first test deletes, the pod that takes over (kept for the second), the second's victim. */
  let pods: { old: AppProcess; next: AppProcess; unpaused: AppProcess };
  const dataDirs: string[] = [];
  const running: AppProcess[] = [];

  const startPod = async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'face-matrix-rollout-'));
    await seedEmbeddedDataDir(dataDir);
    dataDirs.push(dataDir);
    // One ONNX worker per pod: two pods share this machine's cores.
    const app = await spawnApp(build.mainJs, dataDir, { ORT_WORKER_THREADS: '1', LOG_LEVEL: 'log' });
    running.push(app);
    return app;
  };

  beforeAll(async () => {
    build = compileApp();
    proxy = await ServiceProxy.start();
    // Started before any load, one after the other: a start under load on a 2-core machine takes a minute.
    pods = { old: await startPod(), next: await startPod(), unpaused: await startPod() };
  }, 300_000);
  afterAll(async () => {
    for (const app of running) if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGKILL');
    await proxy?.close();
    for (const dir of dataDirs) await rm(dir, { recursive: true, force: true });
    build?.remove();
  });

  it('loses no request when the pod is deleted with a preStop pause: 0 connection errors, 0 5xx', async () => {
    const { old: oldPod, next: newPod } = pods;
    proxy.setEndpoints([portOf(oldPod)]);
    const load = startLoad(proxy.url, await portraitFrom(oldPod));
    await sleep(2000);
    // The new pod turns ready and joins the Service while the old one is busy.
    proxy.setEndpoints([portOf(oldPod), portOf(newPod)]);
    await sleep(2000);

    // kubectl delete pod: endpoints update after the propagation delay; preStop pauses, then SIGTERM.
    const endpointsUpdated = sleep(ENDPOINT_PROPAGATION_MS).then(() => proxy.setEndpoints([portOf(newPod)]));
    await sleep(PRE_STOP_PAUSE_MS);
    await endpointsUpdated;
    // Two clients that connected before SIGTERM (kept-alive sockets), to watch readiness from inside.
    const watcher = { serving: new Agent({ keepAlive: true, maxSockets: 1 }), ready: new Agent({ keepAlive: true, maxSockets: 1 }) };
    expect((await getOn(watcher.serving, oldPod, '/health/serving')).status).toBe(200);
    expect((await getOn(watcher.ready, oldPod, '/health/ready')).status).toBe(200);
    const connectionsToOldPodBeforeSigterm = proxy.connections.get(portOf(oldPod));
    oldPod.child.kill('SIGTERM');
    await untilOutput(oldPod, /SIGTERM: draining/);

    // Draining: readiness fails on connections that were already open; each answer ends its connection.
    const serving = await getOn(watcher.serving, oldPod, '/health/serving');
    expect(serving).toMatchObject({ status: 503, connection: 'close', body: { error_code: 506, details: { serving: { status: 'down' } } } });
    expect(serving.body.details.serving.message).toMatch(/draining/);
    expect((await getOn(watcher.ready, oldPod, '/health/ready')).status).toBe(503);

    expect(await oldPod.exited).toEqual({ code: 0, signal: null });
    await sleep(1000);
    const result = await load.stop();

    const served = [...result.statuses.values()].reduce((sum, count) => sum + count, 0);
    expect({ errors: result.errors, statuses: Object.fromEntries(result.statuses) }).toEqual({ errors: [], statuses: { 200: served } });
    expect(served).toBeGreaterThan(CLIENTS * 2);
    expect(proxy.refused).toBe(0);
    // The drain was exercised: the old pod answered requests after SIGTERM, on connections opened before it.
    const afterSigterm = oldPod.output().split('SIGTERM: draining')[1];
    expect(afterSigterm.match(/"route":"\/api\/v1\/recognise_user","status":200/g)?.length ?? 0).toBeGreaterThan(0);
    expect(proxy.connections.get(portOf(oldPod))).toBe(connectionsToOldPodBeforeSigterm);
  }, 120_000);

  it('without the pause, the same deletion loses requests (the control that shows what the pause buys)', async () => {
    const { unpaused: oldPod, next: newPod } = pods;
    proxy.setEndpoints([portOf(oldPod), portOf(newPod)]);
    const load = startLoad(proxy.url, await portraitFrom(oldPod));
    await sleep(2000);

    // SIGTERM at once, while the Service still sends new connections to the old pod for as long
    // as the pause would have covered.
    const endpointsUpdated = sleep(PRE_STOP_PAUSE_MS).then(() => proxy.setEndpoints([portOf(newPod)]));
    oldPod.child.kill('SIGTERM');
    await endpointsUpdated;
    await oldPod.exited;
    const result = await load.stop();
    expect(proxy.refused).toBeGreaterThan(0);
    expect(result.errors.length).toBeGreaterThan(0);
    newPod.child.kill('SIGTERM');
    expect((await newPod.exited).code).toBe(0);
  }, 120_000);
});

/** One face of the npm sample photo, cropped: a small upload keeps the load on the pipeline, not on decoding. */
async function portraitFrom(app: AppProcess): Promise<Buffer> {
  const photo = npmSamplePhoto(2);
  const response = await fetch(`${app.url}/api/v1/detect`, { method: 'POST', body: imageForm(photo) });
  const { faces } = (await response.json()) as { faces: { box: { x: number; y: number; width: number; height: number } }[] };
  return cropPortrait(photo, faces[0].box);
}
