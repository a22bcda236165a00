/**
 * A TCP proxy on 127.0.0.1 between the server under test and the real PostgreSQL, so a test can play a database
 * restart or an outage without touching the shared server: `dropAll` cuts every connection (as a restart does),
 * `outage(ms)` also stops listening for `ms` (new connections are refused), then listens again on the same port;
 * `cutReplyTo(match)` lets the next client message that matches through and cuts the connection when the server
 * answers it, before the answer reaches the client (a COMMIT that happened, unknown to the client).
 */
import net from 'node:net';

export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server;
  /** Connections cut by dropAll/outage so far. */
  dropped = 0;
  private replyCut?: (chunk: Buffer) => boolean;

  private constructor(
    private readonly target: { host: string; port: number },
    readonly port: number,
    server: net.Server,
  ) {
    this.server = server;
  }

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const probe = net.createServer();
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as net.AddressInfo).port)));
    await new Promise((r) => probe.close(r));
    const proxy = new TcpProxy(target, port, net.createServer());
    await proxy.listen();
    return proxy;
  }

  /** `url` (a postgres:// URL) pointed at the proxy. */
  url(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  private listen(): Promise<void> {
    this.server = net.createServer((client) => {
      const upstream = net.connect(this.target.port, this.target.host);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      let cutNextReply = false;
      client.on('data', (chunk: Buffer) => {
        if (this.replyCut?.(chunk)) {
          this.replyCut = undefined;
          cutNextReply = true;
        }
        upstream.write(chunk);
      });
      upstream.on('data', (chunk: Buffer) => {
        if (!cutNextReply) return void client.write(chunk);
        client.destroy();
        upstream.destroy();
      });
      // A side that closes closes the other (a terminated backend is seen by the server as a closed connection).
      client.on('end', () => upstream.end());
      upstream.on('end', () => client.end());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.port, '127.0.0.1', () => resolve());
    });
  }

  /** Arms a one-shot cut: the server's answer to the next client message that `match`es never arrives. */
  cutReplyTo(match: (chunk: Buffer) => boolean): void {
    this.replyCut = match;
  }

  /** Cuts every open connection (both directions, at once). */
  dropAll(): void {
    for (const s of this.sockets) {
      this.dropped++;
      s.destroy();
    }
    this.sockets.clear();
  }

  /** Refuses new connections and cuts the open ones for `ms`, then accepts again. */
  async outage(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.dropAll();
    });
    await new Promise((r) => setTimeout(r, ms));
    await this.listen();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise((r) => this.server.close(r));
  }
}
