import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, parseProcNetTcp, unexpectedListeners, type PartListeners } from '../../src/sandbox/listeners.js';

// Lines as this machine's kernel writes them: a header, then one socket per line (LISTEN is state 0A).
const tcp = [
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 0100007F:7AFB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2007601 2 0000000060dbb772 100 0 0 10 0',
  '   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2007700 2 0000000060dbb772 100 0 0 10 0',
  '   2: 0100007F:7AFB 0100007F:9C40 01 00000000:00000000 00:00000000 00000000     0        0 2007800 1 0000000060dbb772 20 4 30 10 -1',
].join('\n');
const tcp6 = [
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
  '   0: 00000000000000000000000000000000:6100 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2006643 2 0000000001fac69a 100 0 0 10 0',
  '   1: 00000000000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2006644 2 0000000001fac69a 100 0 0 10 0',
  '   2: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2006645 2 0000000001fac69a 100 0 0 10 0',
].join('\n');

describe('the listening-socket scan', () => {
  it('reads the LISTEN sockets of /proc/net/tcp with their address, port and inode, and skips connections', () => {
    assert.deepEqual(parseProcNetTcp(tcp), [
      { address: '127.0.0.1', port: 31483, inode: '2007601' },
      { address: '0.0.0.0', port: 8080, inode: '2007700' },
    ]);
  });

  it('reads /proc/net/tcp6: every address, loopback, and IPv4-mapped loopback', () => {
    assert.deepEqual(
      parseProcNetTcp(tcp6).map(({ address, port }) => `${address} ${port}`),
      [':: 24832', '::1 80', '::ffff:127.0.0.1 81'],
    );
  });

  it('tells the loopback addresses from the others', () => {
    assert.deepEqual(['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1', '0.0.0.0', '::', '10.0.0.1'].map(isLoopback), [
      true,
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('names as unexpected only the parts beyond loopback without a reason', () => {
    const scan: PartListeners[] = [
      { part: 'etcd', pid: 1, listeners: [{ address: '127.0.0.1', port: 2379, loopback: true }] },
      { part: 'rollouts-controller', pid: 2, listeners: [{ address: '::', port: 16490, loopback: false }], exception: 'no bind flag' },
      { part: 'redis', pid: 3, listeners: [{ address: '0.0.0.0', port: 6379, loopback: false }] },
    ];
    assert.deepEqual(
      unexpectedListeners(scan).map((part) => part.part),
      ['redis'],
    );
  });
});
