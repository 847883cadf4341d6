// TensorFlow Lite itself, as the reference a converted graph is checked against: the WebAssembly
// build in @tensorflow/tfjs-tflite (a devDependency), run in Node. That build only knows browsers
// and Web Workers, so it runs in its own vm context that looks like a Worker's scope: `self`,
// `location` (the wasm folder, which setWasmPath('./') resolves against), `importScripts` over
// vm.runInContext, and a `fetch` that reads file: URLs and nothing else. There is no MessageChannel
// in that scope, so its feature probe finds no threads and it loads the single-threaded wasm.
// Nothing touches the network or this process's globals.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import vm from 'node:vm';

export const REFERENCE_PACKAGE = '@tensorflow/tfjs-tflite';

/** The package's wasm folder, or undefined when it is not installed (a production-only install). */
export function referenceWasmDir() {
  try {
    const packageJson = createRequire(import.meta.url).resolve(`${REFERENCE_PACKAGE}/package.json`);
    return join(dirname(packageJson), 'wasm');
  } catch {
    return undefined;
  }
}

function workerScope(wasmDir) {
  const location = { href: pathToFileURL(`${wasmDir}/`).href };
  const scope = {
    location,
    exports: {},
    // The runtime announces its XNNPACK delegate ("INFO: ..."); only warnings and errors get through.
    console: { ...console, log: () => {}, info: () => {}, warn: (text, ...rest) => String(text).startsWith('INFO:') || console.warn(text, ...rest) },
    setTimeout,
    clearTimeout,
    setInterval,
    clearInterval,
    performance,
    Blob,
    URL,
    TextDecoder,
    TextEncoder,
  };
  scope.self = scope;
  scope.fetch = async (url) => {
    const resolved = new URL(String(url), location.href);
    if (resolved.protocol !== 'file:') throw new Error(`tflite-reference: refusing to fetch ${resolved.href}`);
    const bytes = readFileSync(fileURLToPath(resolved));
    return { ok: true, arrayBuffer: async () => bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) };
  };
  const context = vm.createContext(scope);
  scope.importScripts = (...urls) => {
    for (const url of urls) {
      const path = fileURLToPath(new URL(url, location.href));
      vm.runInContext(readFileSync(path, 'utf8'), context, { filename: path });
    }
  };
  // Streaming compilation would need a real Response from this realm; the array-buffer path does not.
  vm.runInContext('delete WebAssembly.instantiateStreaming;', context);
  return { scope, context };
}

/**
 * Loads a TFLite model into the reference runtime. Returns undefined when the runtime is not
 * installed. `run(feeds)` takes and returns Float32Arrays by TFLite tensor name.
 */
export async function loadTfliteReference(modelBytes) {
  const wasmDir = referenceWasmDir();
  if (!wasmDir) return undefined;
  const { scope, context } = workerScope(wasmDir);
  const client = join(wasmDir, 'tflite_web_api_client.js');
  vm.runInContext(readFileSync(client, 'utf8'), context, { filename: client });
  const { tfweb } = scope.exports;
  tfweb.tflite_web_api.setWasmPath('./');
  const bytes = Uint8Array.from(modelBytes);
  const runner = await tfweb.TFLiteWebModelRunner.create(bytes.buffer, { numThreads: 1 });
  const describe = (tensor) => ({ name: tensor.name, shape: tensor.shape.split(',').map(Number), type: tensor.dataType });
  return {
    inputs: runner.getInputs().map(describe),
    outputs: runner.getOutputs().map(describe),
    run(feeds) {
      for (const tensor of runner.getInputs()) {
        const feed = feeds[tensor.name];
        const target = tensor.data();
        if (!feed || feed.length !== target.length) throw new Error(`tflite-reference: input "${tensor.name}" needs ${target.length} values`);
        target.set(feed);
      }
      if (!runner.infer()) throw new Error('tflite-reference: inference failed');
      return Object.fromEntries(runner.getOutputs().map((tensor) => [tensor.name, Float32Array.from(tensor.data())]));
    },
    close() {
      runner.cleanUp();
    },
  };
}
