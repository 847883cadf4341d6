import { ApiError, ErrorCode } from '../common/api-error.js';
import { AppConfig } from '../config/app-config.js';
import { validateEnvironment } from '../config/environment.js';
import { PipelineAdmission } from './pipeline-admission.js';

function gate(env: Record<string, string>) {
  return new PipelineAdmission(new AppConfig(validateEnvironment(env)));
}

/** Work that ends only when the test says so. */
function controllable() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done.then(() => 'done'), finish };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PipelineAdmission', () => {
  it('runs at most MAX_INFLIGHT at once, queues MAX_QUEUED, and refuses the rest at once with a 503', async () => {
    const admission = gate({ MAX_INFLIGHT_RECOGNITIONS: '2', MAX_QUEUED_RECOGNITIONS: '1', PIPELINE_TIMEOUT_MS: '60000' });
    const jobs = [controllable(), controllable(), controllable()];
    const results = jobs.map((job) => admission.run(job.work));
    await tick();
    expect(admission.load).toEqual({ inflight: 2, queued: 1 });

    const refused = await admission.run(async () => 'never').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiError);
    expect((refused as ApiError).errorCode).toBe(ErrorCode.OVERLOADED);
    expect((refused as ApiError).httpStatus).toBe(503);
    expect((refused as ApiError).headers?.['Retry-After']).toBeDefined();

    jobs[0].finish();
    await tick();
    expect(admission.load).toEqual({ inflight: 2, queued: 0 }); // the queued job took the freed slot
    jobs[1].finish();
    jobs[2].finish();
    await expect(Promise.all(results)).resolves.toEqual(['done', 'done', 'done']);
    expect(admission.load).toEqual({ inflight: 0, queued: 0 });
  });

  it('times out a request waiting in the queue and takes it out of the queue', async () => {
    const admission = gate({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '5', PIPELINE_TIMEOUT_MS: '100' });
    const running = controllable();
    const first = admission.run(running.work).catch((error: unknown) => error);
    const queued = await admission.run(async () => 'late').catch((error: unknown) => error);
    expect((queued as ApiError).errorCode).toBe(ErrorCode.PIPELINE_TIMEOUT);
    expect(admission.load.queued).toBe(0);
    // The running job timed out for its caller too, but keeps its slot until its work really ends.
    expect(((await first) as ApiError).errorCode).toBe(ErrorCode.PIPELINE_TIMEOUT);
    expect(admission.load.inflight).toBe(1);
    running.finish();
    await tick();
    expect(admission.load).toEqual({ inflight: 0, queued: 0 });
  });

  it('whenIdle resolves only after running and queued work has ended, even work whose caller gave up', async () => {
    const admission = gate({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '5', PIPELINE_TIMEOUT_MS: '100' });
    await expect(admission.whenIdle()).resolves.toBeUndefined();
    const running = controllable();
    const queued = controllable();
    const results = [admission.run(running.work), admission.run(queued.work)].map((result) => result.catch((error: unknown) => error));
    let idle = false;
    void admission.whenIdle().then(() => (idle = true));
    await Promise.all(results); // both callers time out; the running work goes on
    expect(idle).toBe(false);
    running.finish();
    await tick();
    expect(idle).toBe(true);
  });

  it('frees the slot when the work fails, and passes the error on', async () => {
    const admission = gate({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '0' });
    await expect(admission.run(async () => Promise.reject(ApiError.faceNotDetected()))).rejects.toMatchObject({ errorCode: 601 });
    await expect(admission.run(async () => 'next')).resolves.toBe('next');
  });
});
