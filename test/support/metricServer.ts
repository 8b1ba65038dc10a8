import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the metric endpoint answers. The example AnalysisTemplate `smoke` (manifests/examples/rollout-canary)
 * reads `ok`: true passes, false fails, anything else matches neither condition, which Argo Rollouts calls Inconclusive.
 */
export const metricAnswers = { ok: { ok: true }, failing: { ok: false }, inconclusive: { ok: null } } as const;
export type MetricAnswer = keyof typeof metricAnswers;

/** A tiny HTTP server on 127.0.0.1 for an AnalysisTemplate's web metric: the test sets its answer. */
export interface MetricServer {
  /** The URL a web metric asks (path /check). */
  url: string;
  /** What it answers from now on. */
  answer(next: MetricAnswer): void;
  /** How many times it was asked. */
  readonly requests: number;
  close(): Promise<void>;
}

/** Starts the server on a free loopback port (or the given one), answering `initial`. */
export async function startMetricServer(initial: MetricAnswer = 'ok', port = 0): Promise<MetricServer> {
  let current: MetricAnswer = initial;
  let requests = 0;
  const server = createServer((request, response) => {
    requests++;
    const body = request.url?.split('?')[0] === '/check' ? metricAnswers[current] : { error: `no ${request.url} here: ask /check` };
    response.writeHead(body === metricAnswers[current] ? 200 : 404, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/check`,
    answer: (next) => {
      current = next;
    },
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
