export declare const ONNX_FLOAT: number;
export declare const ONNX_INT64: number;
export declare function encodeOnnxModel(
  graph: {
    name: string;
    nodes: unknown[];
    initializers: unknown[];
    inputs: { name: string; dims: number[] }[];
    outputs: { name: string; dims: number[] }[];
    doc?: string;
  },
  options: { opset: number; irVersion: number; producer: string; producerVersion: string; doc?: string },
): Buffer;
export declare function varint(value: number | bigint): Buffer;
