import type { InferenceBackend } from '../inference/inference-backend.js';
import type { Metrics } from './metrics.js';

/**
 * Times every `infer` call per model. The instance's method is replaced rather than the instance
 * wrapped, so the backend stays the object Nest calls lifecycle hooks on (sessions, gRPC clients).
 */
export function timeInference<Backend extends InferenceBackend>(backend: Backend, metrics: Metrics): Backend {
  const infer = backend.infer.bind(backend);
  backend.infer = async (model, inputs) => {
    const stopTimer = metrics.inferenceDuration.startTimer({ model, backend: backend.kind });
    try {
      const outputs = await infer(model, inputs);
      stopTimer({ outcome: 'ok' });
      return outputs;
    } catch (error) {
      stopTimer({ outcome: 'error' });
      throw error;
    }
  };
  return backend;
}
