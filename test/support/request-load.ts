import type { Response } from 'supertest';

export interface Answer {
  status: number;
  ms: number;
  errorCode?: number;
  retryAfter?: string;
}

/**
 * Keeps `concurrency` requests in flight until `stop` resolves, recording every answer. A request
 * that fails without an HTTP answer (a timeout: a hang past the deadline) is recorded as status 0.
 */
export async function underLoad(send: (index: number) => Promise<Response>, concurrency: number, stop: Promise<unknown>): Promise<Answer[]> {
  const answers: Answer[] = [];
  let stopped = false;
  void stop.finally(() => (stopped = true));
  let sent = 0;
  const worker = async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        const response = await send(sent++);
        answers.push({
          status: response.status,
          ms: performance.now() - started,
          errorCode: response.body?.error_code,
          retryAfter: response.headers['retry-after'],
        });
      } catch {
        answers.push({ status: 0, ms: performance.now() - started });
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

/** Counts per status, for failure messages that show the whole picture. */
export function statusCounts(answers: Answer[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const answer of answers) counts[answer.status] = (counts[answer.status] ?? 0) + 1;
  return counts;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
