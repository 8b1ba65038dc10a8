import { ApiException } from '@kubernetes/client-node';
import { describeFailure, errorCode } from '../../workflows/failures.js';

/** A Kubernetes API error in words: the HTTP status and the API's own message (from its Status body). */
export interface ApiProblem {
  /** HTTP status; undefined when no answer came (connection refused, DNS, TLS, timeout). */
  status?: number;
  reason?: string;
  message: string;
}

const connectionCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'EPIPE',
]);

function statusBody(body: unknown): { message?: string; reason?: string } {
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as { message?: string; reason?: string };
    } catch {
      return { message: body.trim() || undefined };
    }
  }
  return typeof body === 'object' && body !== null ? (body as { message?: string; reason?: string }) : {};
}

const statusWords: Record<number, string> = { 401: 'Unauthorized: the credentials were rejected', 403: 'Forbidden', 404: 'Not Found' };

export function apiProblem(err: unknown): ApiProblem {
  if (err instanceof ApiException) {
    const status = statusBody(err.body);
    return { status: err.code, reason: status.reason, message: status.message ?? statusWords[err.code] ?? `HTTP ${err.code}` };
  }
  const code = errorCode(err);
  const message = describeFailure(err);
  return { message: code && connectionCodes.has(code) ? `${code}: ${message}` : message };
}

/** No answer at all from the API server (as opposed to an answer that says no). */
export function isUnreachable(problem: ApiProblem): boolean {
  return problem.status === undefined;
}

/** Rejects when the promise takes longer than ms; the message says what was waited for. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms / 1000}s`), { code: 'ETIMEDOUT' })), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
