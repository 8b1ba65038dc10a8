import { createServer } from 'node:net';

/** Resolves when nothing listens on host:port (a probe would otherwise talk to a stranger). */
export function expectPortFree(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new Error(err.code === 'EADDRINUSE' ? `${host}:${port} is in use by another process` : `${host}:${port}: ${err.message}`)),
    );
    server.listen(port, host, () => server.close(() => resolve()));
  });
}
