import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../config/config.module.js';
import { InferenceBackend } from '../inference-backend.js';
import { InferenceModule } from '../inference.module.js';
import { TritonBackend } from './triton.backend.js';

describe('INFERENCE_BACKEND=triton', () => {
  it('makes InferenceModule provide the TritonBackend, which starts without Triton being up', async () => {
    // Port 9 (discard) has no Triton: creating the backend must not connect or fail.
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot({ INFERENCE_BACKEND: 'triton', TRITON_GRPC_URL: '127.0.0.1:9', TRITON_TIMEOUT_MS: '200' }), InferenceModule],
    }).compile();
    try {
      const backend = moduleRef.get(InferenceBackend);
      expect(backend).toBeInstanceOf(TritonBackend);
      expect(backend.kind).toBe('triton');
      const status = await backend.status();
      expect(status.length).toBeGreaterThan(0);
      expect(status.every((entry) => !entry.ready)).toBe(true);
    } finally {
      await moduleRef.close();
    }
  });
});
