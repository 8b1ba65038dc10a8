import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Client, Connection } from '@temporalio/client';
import { encryptingDataConverter } from '../../src/codec/dataConverter.js';
import { EncryptionCodec } from '../../src/codec/encryptionCodec.js';
import { parseCodecKeys } from '../../src/codec/keys.js';
import { codecServer } from '../../src/codec/server.js';
import { waitUntil } from '../../src/sandbox/probe.js';
import { loopbackBrowser, type LoopbackBrowser } from '../support/browser.js';
import { toolPath } from '../support/tools.js';

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const keys = parseCodecKeys(JSON.stringify({ current: 'k1', keys: { k1: randomBytes(32).toString('base64') } }), 'the test keys');
const token = randomBytes(16).toString('hex');
const secret = `helm-token-${randomBytes(6).toString('hex')}`;

let temporal: ChildProcess;
let codec: Server;
let browser: LoopbackBrowser;
let uiPort: number;
let workflowId: string;

before(async () => {
  const [frontend, ui, codecPort] = [await freePort(), await freePort(), await freePort()];
  uiPort = ui;
  codec = codecServer({ codec: new EncryptionCodec(keys), uiOrigin: `http://127.0.0.1:${ui}`, token, namespace: 'default' });
  await new Promise<void>((resolve) => codec.listen(codecPort, '127.0.0.1', resolve));
  temporal = spawn(
    toolPath('temporal'),
    [
      'server',
      'start-dev',
      '--ip=127.0.0.1',
      `--port=${frontend}`,
      `--ui-port=${ui}`,
      `--ui-codec-endpoint=http://127.0.0.1:${codecPort}`,
      '--log-level=error',
    ],
    { stdio: 'ignore' },
  );
  let connection: Connection | undefined;
  await waitUntil(
    'the Temporal dev server',
    async () => (connection = await Connection.connect({ address: `127.0.0.1:${frontend}` })),
    30_000,
  );
  const client = new Client({ connection: connection!, dataConverter: encryptingDataConverter(keys) });
  workflowId = `codec-${randomBytes(4).toString('hex')}`;
  await client.workflow.start('platformLifecycle', {
    taskQueue: 'nobody-polls',
    workflowId,
    args: [
      {
        spec: { metadata: { name: 'demo' }, spec: { stacks: [{ name: 'app', source: { helm: { valuesObject: { token: secret } } } }] } },
        environment: 'dev',
      },
    ],
  });
  await connection!.close();
  browser = await loopbackBrowser();
});

after(async () => {
  await browser?.close();
  codec?.close();
  temporal?.kill('SIGTERM');
});

async function inputShown(headers: Record<string, string>): Promise<string> {
  const context = await browser.browser.newContext({ extraHTTPHeaders: headers });
  try {
    const page = await context.newPage();
    await page.goto(`http://127.0.0.1:${uiPort}/namespaces/default/workflows/${workflowId}`);
    const section = page.locator('[data-testid="input-and-result"]');
    await section.waitFor({ timeout: 30_000 });
    await page.waitForTimeout(3000);
    return await section.innerText();
  } finally {
    await context.close();
  }
}

describe('the codec server behind the Temporal UI', () => {
  it('decodes the encrypted input for a request with the token', async () => {
    assert.match(await inputShown({ Authorization: `Bearer ${token}` }), new RegExp(secret));
  });

  it('decodes nothing without it', async () => {
    assert.doesNotMatch(await inputShown({}), new RegExp(secret));
  });
});
