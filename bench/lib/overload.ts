import { spawn } from 'node:child_process';
import http from 'node:http';
import { setPriority } from 'node:os';
import sharp from 'sharp';
import { percentile } from './stats.js';

const BOUNDARY = 'face-matrix-overload';

/** A multipart body with one `image` part, built once so the clients spend nothing per request. */
export function imageMultipart(image: Buffer): Buffer {
  const head = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="image"; filename="p.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), image, Buffer.from(`\r\n--${BOUNDARY}--\r\n`)]);
}

/** 0.4 to 2 MB photos (2000 and 3000 px wide), the sizes of the report that found slow 503s. */
export async function largePhotos(samples: Buffer[]): Promise<Buffer[]> {
  return Promise.all(
    samples.flatMap((photo) => [
      sharp(photo).resize({ width: 2000 }).jpeg({ quality: 95 }).toBuffer(),
      sharp(photo).resize({ width: 3000 }).jpeg({ quality: 97 }).toBuffer(),
    ]),
  );
}

export interface OverloadReport {
  /** /health/live latencies, ms. */
  probes: number[];
  /** Latencies of uploads refused with 503, ms. */
  refused: number[];
  statuses: number[];
  summary: string;
}

/**
 * Times GET /health/live every 20 ms from its own process, as the kubelet does from outside the
 * pod: in the uploaders' process the probe would wait behind their event loop and time the client.
 */
const PROBER = `
const [url, delayMs, durationMs] = process.argv.slice(1);
const until = Date.now() + Number(durationMs);
const probes = [];
await new Promise((resolve) => setTimeout(resolve, Number(delayMs)));
// Untimed: a fresh process's first fetch loads its HTTP client, and the kubelet's is warm.
await (await fetch(url)).arrayBuffer();
while (Date.now() < until) {
  const started = performance.now();
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error('/health/live answered ' + response.status);
  probes.push(performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 20));
}
process.stdout.write(JSON.stringify(probes));
`;

function probeLiveness(url: string, delayMs: number, durationMs: number): Promise<number[]> {
  const prober = spawn(process.execPath, ['--input-type=module', '-e', PROBER, url, String(delayMs), String(durationMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  prober.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  prober.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    prober.on('error', reject);
    prober.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`liveness prober exited ${code}: ${err}`))));
  });
}

export interface OverloadOptions {
  /** The prober starts once the queue has filled. */
  readonly warmupMs?: number;
  /**
   * Nice value for this thread, which runs the uploaders, once the prober has started at normal
   * priority. Clients on other machines take no CPU from the server; on the server's own cores
   * they do, and a positive value keeps that from counting as the server's latency.
   */
  readonly uploaderNice?: number;
}

/**
 * `clients` loops POST photos to recognise_user back to back for `durationMs` while a prober in its
 * own process times GET /health/live every 20 ms.
 */
export async function overload(
  baseUrl: string,
  photos: Buffer[],
  clients: number,
  durationMs: number,
  { warmupMs = 2_000, uploaderNice = 0 }: OverloadOptions = {},
): Promise<OverloadReport> {
  const { hostname, port } = new URL(baseUrl);
  const bodies = photos.map(imageMultipart);
  const clientAgent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const send = (agent: http.Agent, method: string, path: string, body?: Buffer) =>
    new Promise<{ status: number; ms: number }>((resolve, reject) => {
      const started = performance.now();
      const headers = body ? { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, 'content-length': body.length } : {};
      const request = http.request({ host: hostname, port, method, path, agent, headers }, (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0, ms: performance.now() - started }));
      });
      request.on('error', reject);
      request.end(body);
    });
  const until = Date.now() + durationMs;
  const answers: { status: number; ms: number }[] = [];
  const loops = Array.from({ length: clients }, async (_, client) => {
    for (let i = client; Date.now() < until; i++) answers.push(await send(clientAgent, 'POST', '/api/v1/recognise_user', bodies[i % bodies.length]));
  });
  const prober = probeLiveness(new URL('/health/live', baseUrl).href, warmupMs, durationMs);
  if (uploaderNice > 0) setPriority(uploaderNice);
  const [probes] = await Promise.all([prober, ...loops]);
  clientAgent.destroy();
  const refused = answers.filter((answer) => answer.status === 503).map((answer) => answer.ms);
  const served = answers.filter((answer) => answer.status === 200).length;
  const f = (value: number) => `${value.toFixed(1)} ms`;
  const summary =
    `/health/live under ${clients} overloading clients: ${probes.length} probes, p50 ${f(percentile(probes, 50))}, p99 ${f(percentile(probes, 99))}, max ${f(Math.max(...probes))}; ` +
    `${answers.length} uploads: ${served} served, ${refused.length} refused (503) with p50 ${f(percentile(refused, 50))}, p99 ${f(percentile(refused, 99))}`;
  return { probes, refused, statuses: answers.map((answer) => answer.status), summary };
}
