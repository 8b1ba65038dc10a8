import assert from 'node:assert/strict';
import { connect, createServer, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { loopbackProxy, type LoopbackProxy } from '../../drills/loopbackProxy.js';

/** Sends a line through 127.0.0.1:port and resolves with what comes back, or rejects when the connection fails. */
function roundTrip(address: string, text: string): Promise<string> {
  const port = Number(address.split(':')[1]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    socket.once('data', (data) => (resolve(data.toString()), socket.end()));
    socket.once('error', reject);
    socket.once('close', () => reject(new Error('closed before an answer')));
  });
}

describe("the drill's loopback proxy", () => {
  const echo = createServer((socket) => socket.pipe(socket));
  let proxy: LoopbackProxy;
  before(async () => {
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    proxy = await loopbackProxy(`127.0.0.1:${(echo.address() as AddressInfo).port}`);
  });
  after(async () => {
    await proxy.close();
    echo.close();
  });

  it('forwards a connection to its target', async () => {
    assert.equal(await roundTrip(proxy.address, 'hello'), 'hello');
  });

  it('drops open connections and refuses new ones while cut, then forwards again', async () => {
    const port = Number(proxy.address.split(':')[1]);
    const open = connect(port, '127.0.0.1');
    await new Promise((resolve) => open.once('connect', resolve));
    const dropped = new Promise((resolve) => open.once('close', resolve));
    const cut = proxy.cut(500);
    await dropped;
    await assert.rejects(roundTrip(proxy.address, 'during'));
    await cut;
    assert.equal(await roundTrip(proxy.address, 'after'), 'after');
  });
});
