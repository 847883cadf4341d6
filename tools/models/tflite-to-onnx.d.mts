import type { TfliteModel } from './tflite-reader.mjs';
export interface ConversionOptions {
  readonly graphName: string;
  readonly rename: Readonly<Record<string, string>>;
  readonly producerVersion?: string;
  readonly doc?: string;
}
export declare const ONNX_OPSET: number;
export declare const CONVERTIBLE_OPERATORS: readonly string[];
export declare function transposeData<T extends Float32Array | Int32Array>(data: T, shape: readonly number[], perm: readonly number[]): T;
export declare function explicitPads(
  padding: string,
  input: readonly [number, number],
  kernel: readonly [number, number],
  stride: readonly [number, number],
  dilation?: readonly [number, number],
): [number, number, number, number];
export declare function convertTfliteToOnnx(tflite: Uint8Array, options: ConversionOptions): Buffer;
export declare function convertTfliteModel(model: TfliteModel, options: ConversionOptions): Buffer;
