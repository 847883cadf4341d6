import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/*
 * Loads grpc_service.proto once and exposes the service with plain TypeScript message types.
 * Shared by the Triton client and the in-test server, so both speak exactly the same bytes.
 * Field names stay snake_case (keepCase) to read like the published protocol.
 */

export interface ModelReadyRequest {
  name: string;
  version?: string;
}
export interface ReadyResponse {
  ready: boolean;
}
export interface LiveResponse {
  live: boolean;
}

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}
export interface ModelMetadataResponse {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface InferTensorContents {
  fp32_contents?: number[];
}

/** An input or output tensor header; the data travels in the raw_*_contents list. */
export interface InferTensorHeader {
  name: string;
  datatype: string;
  shape: number[];
  contents?: InferTensorContents | null;
}

export interface ModelInferRequest {
  model_name: string;
  model_version?: string;
  id?: string;
  inputs: InferTensorHeader[];
  outputs?: { name: string }[];
  raw_input_contents: Buffer[];
}

export interface ModelInferResponse {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: InferTensorHeader[];
  raw_output_contents: Buffer[];
}

/** The client methods we call; grpc-js adds them to the generated client at run time. */
export interface KServeClient extends grpc.Client {
  ServerLive(request: object, options: grpc.CallOptions, callback: grpc.requestCallback<LiveResponse>): grpc.ClientUnaryCall;
  ServerReady(request: object, options: grpc.CallOptions, callback: grpc.requestCallback<ReadyResponse>): grpc.ClientUnaryCall;
  ModelReady(request: ModelReadyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<ReadyResponse>): grpc.ClientUnaryCall;
  ModelMetadata(request: ModelReadyRequest, options: grpc.CallOptions, callback: grpc.requestCallback<ModelMetadataResponse>): grpc.ClientUnaryCall;
  ModelInfer(request: ModelInferRequest, options: grpc.CallOptions, callback: grpc.requestCallback<ModelInferResponse>): grpc.ClientUnaryCall;
}

type KServeClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => KServeClient;

/**
 * tsc does not copy .proto files, so `npm run build` copies them beside the compiled code
 * (tools/copy-build-assets.mjs); running from src (tsx, Jest) finds the file in place.
 */
export function kserveProtoPath(): string {
  const path = fileURLToPath(new URL('./grpc_service.proto', import.meta.url));
  if (!existsSync(path)) {
    throw new Error(`grpc_service.proto is missing beside ${fileURLToPath(import.meta.url)}: run \`npm run build\`, which copies it`);
  }
  return path;
}

let loaded: { service: grpc.ServiceDefinition; Client: KServeClientConstructor } | undefined;

function load() {
  if (loaded === undefined) {
    const definition = protoLoader.loadSync(kserveProtoPath(), {
      keepCase: true,
      longs: Number, // int64 shapes: tensor dimensions never come near 2^53
      defaults: true,
      arrays: true,
      oneofs: true,
    });
    const packageObject = grpc.loadPackageDefinition(definition) as unknown as {
      inference: { GRPCInferenceService: KServeClientConstructor & { service: grpc.ServiceDefinition } };
    };
    const serviceClient = packageObject.inference.GRPCInferenceService;
    loaded = { service: serviceClient.service, Client: serviceClient };
  }
  return loaded;
}

export function kserveServiceDefinition(): grpc.ServiceDefinition {
  return load().service;
}

export function createKServeClient(address: string, options?: grpc.ChannelOptions): KServeClient {
  return new (load().Client)(address, grpc.credentials.createInsecure(), options);
}
