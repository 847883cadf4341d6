export interface TensorSpec {
  readonly name: string;
  readonly dims: readonly number[];
}
export interface SourcePackage {
  readonly name: string;
  readonly version: string;
  readonly integrity: string;
  readonly license: string;
}
export interface EmbeddingDeclaration {
  readonly colourOrder: 'RGB' | 'BGR';
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly layout: 'NCHW' | 'NHWC';
  readonly templateSize: number;
  readonly flipAugmentation: boolean;
}
export interface ModelSpec {
  readonly name: string;
  readonly sourcePackage: SourcePackage;
  readonly sourceFile: string;
  readonly sourceSha256: string;
  readonly description: string;
  readonly maxBatchSize: number;
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** Triton on CPU: instance_group count and ONNX Runtime intra_op_thread_count per instance. */
  readonly triton: { readonly instances: number; readonly intraOpThreads: number; readonly idle?: boolean };
  readonly batching?: { readonly dimParam: string; readonly finalReshapeOutput: string; readonly outputSha256: string };
  readonly conversion?: { readonly from: 'tflite'; readonly rename: Readonly<Record<string, string>>; readonly outputSha256: string };
  readonly projection?: {
    readonly base: string;
    readonly from: string;
    readonly dimension: number;
    readonly seed: number;
    readonly outputSha256: string;
  };
  /** An embedder's preprocessing, rendered into config.pbtxt `parameters`. */
  readonly embedding?: EmbeddingDeclaration;
}
export declare const SOURCE_PACKAGE: SourcePackage;
export declare const MTCNN_PACKAGE: SourcePackage;
export declare const SHIPPED_EMBEDDING: EmbeddingDeclaration;
export declare const TRITON_CPU_BUDGET: number;
export declare const MODEL_SPECS: readonly ModelSpec[];
export declare function builtSha256(spec: ModelSpec): string;
