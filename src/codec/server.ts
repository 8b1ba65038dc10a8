import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { z } from 'zod';

export interface CodecServerOptions {
  codec: PayloadCodec;
  /** The Temporal UI's origin (scheme, host, port), the only one CORS lets call. */
  uiOrigin: string;
  /** What a request's Authorization: Bearer must carry. */
  token: string;
  /** The namespace whose payloads this server codes; a request naming another (X-Namespace) is refused. */
  namespace: string;
}

/** A payload as the UI sends it: proto-JSON, bytes in base64. */
const jsonPayloadsSchema = z
  .object({
    payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
  })
  .strict();
type JsonPayloads = z.infer<typeof jsonPayloadsSchema>;

const fromJson = ({ payloads }: JsonPayloads): Payload[] =>
  payloads.map((payload) => ({
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  }));

const toJson = (payloads: Payload[]): JsonPayloads => ({
  payloads: payloads.map((payload) => ({
    metadata: Object.fromEntries(
      Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value).toString('base64')]),
    ),
    data: Buffer.from(payload.data ?? []).toString('base64'),
  })),
});

/** The largest body accepted: Temporal's payload limit (2 MB) and room for base64. */
const maxBodyBytes = 4 * 1024 * 1024;

/**
 * The remote codec the Temporal UI and CLI call (POST /encode, /decode with {payloads: [...]}), as in the
 * encryption sample of temporalio/samples-typescript: CORS for the UI's exact origin with credentials, and
 * every request but the CORS preflight must carry the bearer token.
 */
export function codecServer(options: CodecServerOptions): Server {
  const expected = Buffer.from(`Bearer ${options.token}`);
  const authorised = (request: IncomingMessage) => {
    const given = Buffer.from(request.headers.authorization ?? '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return createServer((request, response) => {
    void answer(request, response).catch((err: unknown) => reply(response, 500, { message: (err as Error).message }));
  });

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.origin === options.uiOrigin) {
      response.setHeader('Access-Control-Allow-Origin', options.uiOrigin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, X-Namespace');
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Vary', 'Origin');
    }
    // A preflight carries no credentials: it is answered for the allowed origin only, and codes nothing.
    if (request.method === 'OPTIONS') return reply(response, request.headers.origin === options.uiOrigin ? 204 : 403);
    const route = request.url?.split('?')[0];
    if (request.method !== 'POST' || (route !== '/encode' && route !== '/decode'))
      return reply(response, 404, { message: `${request.method} ${route}: this codec server serves POST /encode and POST /decode` });
    if (!authorised(request)) {
      response.setHeader('WWW-Authenticate', 'Bearer');
      return reply(response, 401, { message: 'missing or wrong bearer token (Authorization: Bearer TOKEN)' });
    }
    const namespace = request.headers['x-namespace'];
    if (namespace !== undefined && namespace !== options.namespace)
      return reply(response, 403, {
        message: `X-Namespace ${String(namespace)}: this codec server codes namespace ${options.namespace} only`,
      });
    const parsed = jsonPayloadsSchema.safeParse(JSON.parse(await body(request)));
    if (!parsed.success)
      return reply(response, 400, {
        message: parsed.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '),
      });
    const payloads = fromJson(parsed.data);
    const coded = route === '/encode' ? await options.codec.encode(payloads) : await options.codec.decode(payloads);
    reply(response, 200, toJson(coded));
  }
}

async function body(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBodyBytes) throw new Error(`the request body is over ${maxBodyBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8') || '{}';
}

function reply(response: ServerResponse, status: number, json?: object): void {
  response.writeHead(status, json ? { 'Content-Type': 'application/json' } : {});
  response.end(json ? JSON.stringify(json) : undefined);
}
