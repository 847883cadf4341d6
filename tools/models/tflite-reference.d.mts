export declare const REFERENCE_PACKAGE: string;
export declare function referenceWasmDir(): string | undefined;
export interface TfliteReference {
  readonly inputs: { name: string; shape: number[]; type: string }[];
  readonly outputs: { name: string; shape: number[]; type: string }[];
  run(feeds: Record<string, Float32Array>): Record<string, Float32Array>;
  close(): void;
}
export declare function loadTfliteReference(model: Uint8Array): Promise<TfliteReference | undefined>;
