export declare const TFLITE_PARITY_SAMPLES: number;
export declare const TFLITE_PARITY_TOLERANCE: number;
/** Max abs diff per ONNX output, or undefined when the reference runtime is not installed. */
export declare function checkTfliteParity(
  tflite: Uint8Array,
  onnx: Uint8Array,
  rename: Readonly<Record<string, string>>,
): Promise<Record<string, number> | undefined>;
