import type { ModelStatus } from './inference-backend.js';
import { poolModelStatus, WorkerSessions } from './onnx-worker-pool.backend.js';

const loaded = (...models: string[]): ModelStatus[] => models.map((model) => ({ model, ready: true }));
const worker = (sessions: ModelStatus[], alive = true, stoppedBecause?: string): WorkerSessions => ({ sessions, alive, stoppedBecause });

describe('poolModelStatus', () => {
  it('is ready when every worker holds a live session for the model', () => {
    expect(poolModelStatus('face_embedder', [worker(loaded('face_embedder')), worker(loaded('face_embedder', 'face_detector'))])).toEqual({
      model: 'face_embedder',
      ready: true,
    });
  });

  it('is not ready when a worker died, even if another still serves the model, and says which', () => {
    const status = poolModelStatus('face_embedder', [
      worker(loaded('face_embedder')),
      worker(loaded('face_embedder'), false, 'ONNX Runtime worker failed: out of memory'),
    ]);
    expect(status).toEqual({ model: 'face_embedder', ready: false, reason: 'worker 2 of 2 stopped: ONNX Runtime worker failed: out of memory' });
  });

  it('is not ready when a worker has no session, or a failed one, for this model only', () => {
    const workers = [
      worker([{ model: 'face_landmarks', ready: false, reason: 'session failed to load' }, ...loaded('face_detector')]),
      worker(loaded('face_detector')),
    ];
    expect(poolModelStatus('face_detector', workers).ready).toBe(true);
    expect(poolModelStatus('face_landmarks', workers)).toEqual({
      model: 'face_landmarks',
      ready: false,
      reason: 'worker 1 of 2: session failed to load; worker 2 of 2 has no session for this model',
    });
  });

  it('is not ready without workers', () => {
    expect(poolModelStatus('face_detector', []).ready).toBe(false);
  });
});
