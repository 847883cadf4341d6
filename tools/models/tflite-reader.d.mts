export interface TfliteTensor {
  readonly name: string;
  readonly shape: number[];
  readonly type: string;
  readonly quantized: boolean;
  readonly data?: Uint8Array;
}
export interface TfliteOperator {
  readonly op: string;
  readonly inputs: number[];
  readonly outputs: number[];
  readonly options: Record<string, unknown>;
}
export interface TfliteModel {
  readonly version: number;
  readonly tensors: TfliteTensor[];
  readonly operators: TfliteOperator[];
  readonly inputs: number[];
  readonly outputs: number[];
}
export declare const BUILTIN_OPERATORS: Readonly<Record<number, string>>;
export declare const TENSOR_TYPES: Readonly<Record<number, string>>;
export declare function readTflite(model: Uint8Array): TfliteModel;
