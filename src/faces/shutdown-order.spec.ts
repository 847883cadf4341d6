import { Controller, Get, INestApplication, Param } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainAndClose } from '../common/graceful-shutdown.js';
import { ConfigModule } from '../config/config.module.js';
import { InferenceBackend, ModelStatus, TensorMap } from '../inference/inference-backend.js';
import { InferenceModule } from '../inference/inference.module.js';
import { FacePipelineModule } from './face-pipeline.module.js';
import { PipelineAdmission } from './pipeline-admission.js';
import { GalleryEmbedderModule } from '../gallery/gallery-embedder.module.js';

const events: string[] = [];
const release = new Map<string, () => void>();

/** Models that record their use, and refuse it once freed (as real sessions would crash). */
class RecordingBackend extends InferenceBackend {
  readonly kind = 'onnx' as const;
  private freed = false;
  async infer(model: string): Promise<TensorMap> {
    if (this.freed) throw new Error(`${model}: session already released`);
    events.push(`inference ${model}`);
    return {};
  }
  async status(): Promise<ModelStatus[]> {
    return [];
  }
  async onModuleDestroy(): Promise<void> {
    this.freed = true;
    events.push('sessions freed');
  }
}

/** A request whose pipeline work holds its slot until the test releases it, then runs a model. */
@Controller('work')
class WorkController {
  constructor(
    private readonly admission: PipelineAdmission,
    private readonly backend: InferenceBackend,
  ) {}

  @Get(':name')
  async work(@Param('name') name: string) {
    await this.admission.run(async () => {
      await new Promise<void>((resolve) => release.set(name, resolve));
      await this.backend.infer(name, {});
    });
    return { name };
  }
}

const until = async (condition: () => boolean) => {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe('shutdown order through the real modules', () => {
  let app: INestApplication;
  afterEach(() => app?.close());

  it('stops accepting, drains requests, waits for pipeline work whose client left, then frees the models', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule.forRoot({ MAX_INFLIGHT_RECOGNITIONS: '1', MAX_QUEUED_RECOGNITIONS: '5', SHUTDOWN_DRAIN_MS: '10000' }),
        GalleryEmbedderModule,
        FacePipelineModule,
        InferenceModule,
      ],
      controllers: [WorkController],
    })
      .overrideProvider(InferenceBackend)
      .useValue(new RecordingBackend())
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const admission = app.get(PipelineAdmission);
    const send = (name: string) => {
      const call = request({ port, host: '127.0.0.1', path: `/work/${name}` });
      const answered = new Promise<string>((resolve) => {
        call.on('response', (response) => {
          response.resume();
          response.on('end', () => resolve(`${name} answered ${response.statusCode}`));
        });
        call.on('error', (error: NodeJS.ErrnoException) => resolve(`${name} ${error.code ?? error.message}`));
      });
      call.end();
      return { call, answered };
    };

    const staying = send('staying');
    await until(() => release.has('staying'));
    const leaving = send('leaving');
    await until(() => admission.load.queued === 1);
    leaving.call.destroy(); // the client hangs up; its work stays queued
    expect(await leaving.answered).toBe('leaving ECONNRESET');

    const exitCode = drainAndClose(app, 10_000);
    expect(await send('late').answered).toBe('late ECONNREFUSED');

    release.get('staying')!();
    events.push(await staying.answered);
    await until(() => release.has('leaving'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(events).not.toContain('sessions freed'); // app.close() is waiting in the admission gate

    release.get('leaving')!();
    await expect(exitCode).resolves.toBe(0);
    expect(events).toEqual(['inference staying', 'staying answered 200', 'inference leaving', 'sessions freed']);
  });
});
