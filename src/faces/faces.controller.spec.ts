import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { App } from 'supertest/types.js';
import { ImageUploadModule } from '../common/uploaded-image.js';
import { ConfigModule } from '../config/config.module.js';
import { FacesController } from './faces.controller.js';
import { PipelineAdmission } from './pipeline-admission.js';
import { RecognitionService } from './recognition.service.js';

/** What the controller passes on: the service answers with a body and the time of each stage. */
const calls: unknown[][] = [];
const recognition = {
  recogniseFaces: async (...args: unknown[]) => {
    calls.push(args.slice(1));
    return { body: { faces_detected: 0, faces: [] }, timings: { decode: 1, detect: 2, landmarks: 3, align: 0.2, embed: 9, search: 0.4 } };
  },
  recognise: async () => ({ body: { status: 'success' }, timings: { decode: 1.04, detect: 2, landmarks: 0.5, align: 0.25, embed: 9, search: 0.66 } }),
  verify: async () => ({
    body: { status: 'success', match: true },
    timings: { decode: 1, detect: 2, landmarks: 0.5, align: 0.2, embed: 9, search: 0.4 },
  }),
  detect: async () => ({ body: { faces: [] }, timings: { decode: 1, detect: 2, landmarks: 3, align: 0.2, embed: undefined } }),
};

describe('FacesController', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(), ImageUploadModule],
      controllers: [FacesController],
      providers: [PipelineAdmission],
    })
      .useMocker((token) => (token === RecognitionService ? recognition : undefined))
      .compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  const post = (route: string) =>
    request(app.getHttpServer() as App)
      .post(`/api/v1/${route}`)
      .field('user_id', '00000000-0000-4000-8000-000000000000')
      .attach('image', Buffer.from('not looked at here'), 'face.jpg');

  it.each([
    ['recognise_user', 'decode;dur=1.0, detect;dur=2.0, landmarks;dur=0.5, align;dur=0.3, embed;dur=9.0, search;dur=0.7', { status: 'success' }],
    ['verify', 'decode;dur=1.0, detect;dur=2.0, landmarks;dur=0.5, align;dur=0.2, embed;dur=9.0, search;dur=0.4', { status: 'success', match: true }],
    ['detect', 'decode;dur=1.0, detect;dur=2.0, landmarks;dur=3.0, align;dur=0.2', { faces: [] }],
    [
      'recognise',
      'decode;dur=1.0, detect;dur=2.0, landmarks;dur=3.0, align;dur=0.2, embed;dur=9.0, search;dur=0.4',
      { faces_detected: 0, faces: [] },
    ],
  ])('%s sends the stage timings as Server-Timing and only the body as JSON', async (route, header, body) => {
    const response = await post(route).expect(200);
    expect(response.headers['server-timing']).toBe(header);
    expect(response.body).toEqual(body);
  });

  it("passes the group route's defaults (10 faces, 1 candidate) when the fields are absent", async () => {
    calls.length = 0;
    await request(app.getHttpServer() as App)
      .post('/api/v1/recognise')
      .attach('image', Buffer.from('x'), 'g.jpg')
      .expect(200);
    expect(calls).toEqual([[10, 1]]);
  });
});
