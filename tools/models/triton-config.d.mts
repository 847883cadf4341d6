import type { ModelSpec } from './model-specs.mjs';
export declare function renderTritonConfig(spec: ModelSpec): string;
