import { readdir, readFile, readlink } from 'node:fs/promises';
import { partNamed, type PartName } from './parts/index.js';
import type { PartStatus } from './status.js';

/** One TCP socket in the LISTEN state, as the kernel lists it in /proc/net/tcp{,6}. */
export interface Listener {
  address: string;
  port: number;
  /** The socket's inode: the link /proc/<pid>/fd/<n> of the process that holds it reads `socket:[inode]`. */
  inode: string;
}

/** What one running part of the sandbox listens on, and whether that is the loopback address only. */
export interface PartListeners {
  part: PartStatus['name'];
  pid: number;
  listeners: { address: string; port: number; loopback: boolean }[];
  /** Why the part listens beyond the loopback address, when it cannot be told not to; unset for every other part. */
  exception?: string;
}

const listenState = '0A';

/** The IPv4 or IPv6 address of a /proc/net/tcp entry: 32-bit words in host (little-endian) byte order. */
function hexAddress(hex: string): string {
  const bytes = (word: string) => [6, 4, 2, 0].map((at) => parseInt(word.slice(at, at + 2), 16));
  if (hex.length === 8) return bytes(hex).join('.');
  const words = [0, 8, 16, 24].flatMap((at) => bytes(hex.slice(at, at + 8)));
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push((((words[i] ?? 0) << 8) | (words[i + 1] ?? 0)).toString(16));
  const text = groups.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  if (text.startsWith('0:0:0:0:0:ffff:')) return `::ffff:${words.slice(12).join('.')}`;
  return text;
}

/** The LISTEN sockets of one /proc/net/tcp or /proc/net/tcp6 text. */
export function parseProcNetTcp(text: string): Listener[] {
  return text
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields.length > 9 && fields[3] === listenState)
    .map((fields) => {
      const [address = '', port = '0'] = (fields[1] ?? '').split(':');
      return { address: hexAddress(address), port: parseInt(port, 16), inode: fields[9] ?? '' };
    });
}

/** 127.0.0.0/8, ::1, and IPv4-mapped loopback: reachable from this machine only. */
export function isLoopback(address: string): boolean {
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** The socket inodes a process holds open; none when it is gone. */
async function socketInodes(pid: number): Promise<Set<string>> {
  const dir = `/proc/${pid}/fd`;
  const fds = await readdir(dir).catch(() => []);
  const links = await Promise.all(fds.map((fd) => readlink(`${dir}/${fd}`).catch(() => '')));
  return new Set(links.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []));
}

/** Every LISTEN socket of this network namespace. */
async function listeningSockets(): Promise<Listener[]> {
  const tables = await Promise.all(['/proc/net/tcp', '/proc/net/tcp6'].map((path) => readFile(path, 'utf8').catch(() => '')));
  return tables.flatMap(parseProcNetTcp);
}

/** The base part of a status name: an extra cluster's parts are `<cluster>/<part>`. */
function basePart(name: PartStatus['name']): PartName {
  return (name.includes('/') ? name.slice(name.indexOf('/') + 1) : name) as PartName;
}

/** What each running part listens on, read from the kernel's socket tables. */
export async function sandboxListeners(parts: PartStatus[]): Promise<PartListeners[]> {
  const sockets = await listeningSockets();
  const running = parts.filter((part): part is PartStatus & { pid: number } => part.running && part.pid !== null);
  return Promise.all(
    running.map(async (part) => {
      const inodes = await socketInodes(part.pid);
      const listeners = sockets
        .filter((socket) => inodes.has(socket.inode))
        .map(({ address, port }) => ({ address, port, loopback: isLoopback(address) }))
        .sort((a, b) => a.port - b.port);
      const exception = partNamed(basePart(part.name))?.listensBeyondLoopback;
      return { part: part.name, pid: part.pid, listeners, ...(exception ? { exception } : {}) };
    }),
  );
}

/** The parts that listen beyond the loopback address without a named reason: none in a sound sandbox. */
export function unexpectedListeners(scan: PartListeners[]): PartListeners[] {
  return scan.filter((part) => !part.exception && part.listeners.some((listener) => !listener.loopback));
}
