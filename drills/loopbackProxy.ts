import { createServer, connect, type Server, type Socket } from 'node:net';

/** A TCP proxy on 127.0.0.1 that can cut every connection through it for a while, as a broken network would. */
export interface LoopbackProxy {
  /** `127.0.0.1:PORT`: what clients dial instead of the target. */
  address: string;
  /** Drops every open connection and refuses new ones until `ms` have passed. */
  cut(ms: number): Promise<void>;
  close(): Promise<void>;
}

/** Forwards 127.0.0.1:`port` (0: any free port) to `target` (`host:port`). */
export async function loopbackProxy(target: string, port = 0): Promise<LoopbackProxy> {
  const [targetHost, targetPort] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const open = new Set<Socket>();
  let cutUntil = 0;
  const server: Server = createServer((client) => {
    if (Date.now() < cutUntil) return void client.destroy();
    const upstream = connect(targetPort, targetHost);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.once('close', () => open.delete(socket));
      // A reset on one side ends the other: the client sees what a broken link looks like.
      socket.once('error', () => (socket === client ? upstream : client).destroy());
    }
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  const { port: listening } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${listening}`,
    cut: async (ms) => {
      cutUntil = Date.now() + ms;
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, ms));
    },
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
