import autocannon from 'autocannon';
import { cpuSeconds, rssMiB } from './process-stats.js';
import type { RunningServer } from './server.js';
import { summarise } from './stats.js';

export interface StageResult {
  connections: number;
  rate: number;
  p50: number;
  p95: number;
  p99: number;
  requests: number;
  errors: number;
  rssMaxMiB: number;
  cpuMsPerRequest: number;
}

/**
 * One closed-loop stage, like k6's constant-vus: `connections` clients each POST a random probe to
 * recognise_user and send the next as soon as the answer arrives, for `durationSeconds`.
 */
export async function runClosedLoop(
  server: RunningServer,
  connections: number,
  durationSeconds: number,
  bodies: { body: Buffer; contentType: string }[],
): Promise<StageResult> {
  let rssMaxMiB = 0;
  const sampler = setInterval(() => (rssMaxMiB = Math.max(rssMaxMiB, rssMiB(server.pid))), 500);
  const latencies: number[] = [];
  let failures = 0;
  const cpuBefore = cpuSeconds(server.pid);
  const options: autocannon.Options = {
    url: `${server.url}/api/v1/recognise_user`,
    connections,
    duration: durationSeconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { body, contentType } = bodies[Math.floor(Math.random() * bodies.length)];
          return { ...request, body, headers: { ...request.headers, 'content-type': contentType } };
        },
      },
    ],
  };
  try {
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(options, (error: unknown, finished) =>
        error ? reject(error instanceof Error ? error : new Error('autocannon failed', { cause: error })) : resolve(finished),
      );
      instance.on('response', (_client, statusCode, _bytes, responseTime) => {
        latencies.push(responseTime);
        if (statusCode !== 200) failures++;
      });
    });
    const { p50, p95, p99 } = summarise(latencies);
    return {
      connections,
      rate: latencies.length / durationSeconds,
      p50,
      p95,
      p99,
      requests: latencies.length,
      errors: failures + result.errors + result.timeouts,
      rssMaxMiB,
      cpuMsPerRequest: ((cpuSeconds(server.pid) - cpuBefore) * 1000) / Math.max(1, latencies.length),
    };
  } finally {
    clearInterval(sampler);
  }
}
