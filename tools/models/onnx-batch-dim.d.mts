export declare function withDynamicBatch(
  model: Uint8Array,
  options: { inputs: readonly string[]; outputs: readonly string[]; dimParam?: string },
): Buffer;
export declare function withBatchPreservingReshape(model: Uint8Array, output: string): Buffer;
