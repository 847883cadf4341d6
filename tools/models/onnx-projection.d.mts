export declare function orthogonalProjection(inputDim: number, outputDim: number, seed: number): Float32Array;
export declare function withAppendedProjection(
  model: Uint8Array,
  options: { from: string; to: string; matrix: Float32Array; dimension: number; dimParam?: string },
): Buffer;
export declare const PROJECTION_PARITY_TOLERANCE: number;
export declare const PROJECTION_PARITY_ROWS: number;
export declare function checkProjectionParity(
  baseBytes: Uint8Array,
  projectedBytes: Uint8Array,
  io: { input: string; baseOutput: string; output: string; rowDims: readonly number[]; matrix: Float32Array; dimension: number },
): Promise<number>;
