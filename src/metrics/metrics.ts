import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { PipelineLoadObserver } from '../faces/pipeline-admission.js';

/**
 * The app's Prometheus metrics, in a registry of its own (not prom-client's global one), so two
 * apps in one process (tests) never clash. Labels hold route templates, never raw paths or ids.
 */
export class Metrics extends PipelineLoadObserver {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'face_matrix_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'face_matrix_http_request_duration_seconds',
    help: 'HTTP request latency by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly inferenceDuration = new Histogram({
    name: 'face_matrix_inference_duration_seconds',
    help: 'Time of one model call on the inference backend, by model, backend and outcome',
    labelNames: ['model', 'backend', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly pipelineInflight = new Gauge({
    name: 'face_matrix_pipeline_inflight',
    help: 'Requests running in the face pipeline now (bounded by MAX_INFLIGHT_RECOGNITIONS)',
    registers: [this.registry],
  });

  private readonly pipelineQueued = new Gauge({
    name: 'face_matrix_pipeline_queued',
    help: 'Requests waiting for a pipeline slot now (bounded by MAX_QUEUED_RECOGNITIONS)',
    registers: [this.registry],
  });

  constructor() {
    super();
    collectDefaultMetrics({ register: this.registry, prefix: 'face_matrix_' });
  }

  observe(inflight: number, queued: number): void {
    this.pipelineInflight.set(inflight);
    this.pipelineQueued.set(queued);
  }
}
