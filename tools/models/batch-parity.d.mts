export declare const PARITY_BATCHES: readonly number[];
export declare const PARITY_TOLERANCE: number;
export declare function checkBatchParity(
  sourceBytes: Uint8Array,
  batchedBytes: Uint8Array,
  io: { input: string; output: string; rowDims: readonly number[] },
): Promise<Record<number, number>>;
export declare function pseudoRandom(length: number, seed: number): Float32Array;
