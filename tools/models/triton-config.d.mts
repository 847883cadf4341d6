import type { EmbeddingDeclaration, ModelSpec } from './model-specs.mjs';
export declare function renderTritonConfig(spec: ModelSpec): string;
export declare function embeddingParameters(embedding: EmbeddingDeclaration): Record<string, string>;
