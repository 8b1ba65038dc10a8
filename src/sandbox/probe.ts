import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ProbeOptions {
  /** CA bundle for https endpoints the sandbox's CA signed. */
  ca?: string;
  token?: string;
  timeoutMs?: number;
}

/** One GET to a loopback endpoint; resolves with the status and body, rejects on connection errors. */
export function httpGet(url: string, options: ProbeOptions = {}): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method: 'GET',
        timeout: options.timeoutMs ?? 2_000,
        ...(options.ca ? { ca: options.ca } : {}),
        headers: options.token ? { Authorization: `Bearer ${options.token}` } : {},
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** Resolves when GET answers 200; rejects with what it answered otherwise. */
export async function expectOk(url: string, options: ProbeOptions = {}): Promise<string> {
  const { status, body } = await httpGet(url, options);
  if (status !== 200) throw new Error(`GET ${url} answered ${status}: ${body.trim().slice(0, 300)}`);
  return body;
}

/** Thrown by a check to stop waiting at once (the process being waited for has exited). */
export class GiveUp extends Error {}

/**
 * Repeats check until it resolves or the time is up; returns how long it took.
 * The timeout error carries the last failure, so a part that never came up says why.
 */
export async function waitUntil(what: string, check: () => Promise<unknown>, timeoutMs: number, intervalMs = 200): Promise<number> {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      await check();
      return Date.now() - started;
    } catch (err) {
      if (err instanceof GiveUp) throw err;
      lastError = err;
    }
    await sleep(intervalMs);
  }
  const reason = lastError instanceof Error ? lastError.message : String(lastError);
  throw new Error(`${what} not ready after ${Math.round(timeoutMs / 1000)}s: ${reason}`);
}
