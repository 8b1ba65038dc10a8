import { mkdir } from 'node:fs/promises';
import { createConnection } from 'node:net';
import type { SandboxPart } from './part.js';

/** Sends PING over the Redis protocol; resolves on +PONG. */
function ping(host: string, port: number, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host, port });
    let answer = '';
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis ${host}:${port} did not answer PING`)));
    socket.on('error', fail);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (!answer.includes('\r\n')) return;
      socket.destroy();
      if (answer.startsWith('+PONG')) resolve();
      else reject(new Error(`redis answered PING with ${answer.trim()}`));
    });
  });
}

/** Argo CD's cache, from Debian's redis-server: memory only, loopback only. */
export const redis: SandboxPart = {
  name: 'redis',
  binary: '/usr/bin/redis-server',
  install: 'redis-server comes from Debian: `apt-get install -y redis-server` (scripts/setup.sh installs it when missing)',
  after: [],
  ports: (config) => [config.ports.redis],
  endpoint: (config) => `${config.host}:${config.ports.redis}`,
  args: ({ config, layout }) => [
    '--bind',
    config.host,
    '--port',
    String(config.ports.redis),
    // A cache: no snapshots, no append-only file, nothing on disk.
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    layout.redisDir,
    '--daemonize',
    'no',
    // Keeps the command line as started, so status and down recognise the process.
    '--set-proc-title',
    'no',
    '--loglevel',
    'warning',
  ],
  prepare: async ({ layout }) => {
    await mkdir(layout.redisDir, { recursive: true, mode: 0o700 });
  },
  ready: async ({ config }) => {
    await ping(config.host, config.ports.redis);
  },
};
