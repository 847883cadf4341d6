import { AddressInfo, createServer, Server, Socket, connect } from 'node:net';

/**
 * A Kubernetes Service as kube-proxy makes it: each NEW TCP connection goes to one of the current
 * endpoints (round robin), and an established connection stays with its pod until one side closes
 * it, whatever happens to the endpoint list. A connection to a pod that no longer listens fails,
 * which the client sees as a connection error.
 */
export class ServiceProxy {
  private endpoints: number[] = [];
  private next = 0;
  private readonly sockets = new Set<Socket>();
  /** New connections per endpoint port, and the ones whose pod refused them. */
  readonly connections = new Map<number, number>();
  refused = 0;

  private constructor(private readonly server: Server) {}

  static async start(): Promise<ServiceProxy> {
    const proxy: ServiceProxy = new ServiceProxy(createServer((client) => proxy.route(client)));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** What the endpoints controller publishes: the ports of the ready pods. */
  setEndpoints(ports: number[]): void {
    this.endpoints = [...ports];
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(client: Socket): void {
    if (this.endpoints.length === 0) return void client.destroy();
    const port = this.endpoints[this.next++ % this.endpoints.length];
    this.connections.set(port, (this.connections.get(port) ?? 0) + 1);
    const pod = connect(port, '127.0.0.1');
    for (const socket of [client, pod]) {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    }
    pod.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') this.refused++;
      client.destroy();
    });
    client.once('error', () => pod.destroy());
    // A normal end travels through the pipes (after the data); only a broken side breaks the other.
    client.once('close', (hadError) => hadError && pod.destroy());
    pod.once('close', (hadError) => hadError && client.destroy());
    client.pipe(pod);
    pod.pipe(client);
  }
}
