import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApplicationFailure, defaultPayloadConverter, DefaultFailureConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { decodeHistory } from '../../src/codec/decodeHistory.js';
import { configuredDataConverter } from '../../src/codec/dataConverter.js';
import { EncryptionCodec, encryptedEncoding, keyIdMetadataKey } from '../../src/codec/encryptionCodec.js';
import { configuredCodecKeys, parseCodecKeys } from '../../src/codec/keys.js';

const key = () => randomBytes(32).toString('base64');
const codecOf = (keys: Record<string, string>, current: string) =>
  new EncryptionCodec(parseCodecKeys(JSON.stringify({ current, keys }), 'keys.json'));
const secret = { token: 'tok-5ecret-value', password: 'hunter2' };
const text = new TextDecoder();

describe('the encryption codec', () => {
  it('encrypts a payload whole, names its key, and decodes it back', async () => {
    const codec = codecOf({ k1: key() }, 'k1');
    const plain = defaultPayloadConverter.toPayload(secret);
    const [encoded] = await codec.encode([plain]);
    assert.equal(text.decode(encoded!.metadata!.encoding), encryptedEncoding);
    assert.equal(text.decode(encoded!.metadata![keyIdMetadataKey]), 'k1');
    assert.ok(!Buffer.from(encoded!.data!).includes('5ecret'), 'the data is ciphertext');
    assert.ok(!Buffer.from(encoded!.data!).includes('json/plain'), 'the original metadata is encrypted too');
    const [decoded] = await codec.decode([encoded!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), secret);
  });

  it('passes payloads it did not encode through, so histories from before the codec still decode', async () => {
    const plain = defaultPayloadConverter.toPayload('not encrypted');
    const [decoded] = await codecOf({ k1: key() }, 'k1').decode([plain]);
    assert.equal(decoded, plain);
  });

  it('decodes a payload of the key before a rotation while that key stays listed', async () => {
    const [old, next] = [key(), key()];
    const [before] = await codecOf({ old }, 'old').encode([defaultPayloadConverter.toPayload(secret)]);
    const rotated = codecOf({ old, next }, 'next');
    const [after] = await rotated.encode([defaultPayloadConverter.toPayload(secret)]);
    assert.equal(text.decode(after!.metadata![keyIdMetadataKey]), 'next');
    const decoded = await rotated.decode([before!, after!]);
    assert.deepEqual(
      decoded.map((payload) => defaultPayloadConverter.fromPayload(payload)),
      [secret, secret],
    );
  });

  it('refuses a payload whose key id is not listed, naming the id and the keys it holds', async () => {
    const [encoded] = await codecOf({ gone: key() }, 'gone').encode([defaultPayloadConverter.toPayload(secret)]);
    await assert.rejects(
      codecOf({ k2: key() }, 'k2').decode([encoded!]),
      /encrypted with key gone, which keys\.json does not hold \(it holds k2\)/,
    );
  });

  it('refuses a payload that does not decrypt under the key listed with its id, naming the id', async () => {
    const [encoded] = await codecOf({ k1: key() }, 'k1').encode([defaultPayloadConverter.toPayload(secret)]);
    await assert.rejects(
      codecOf({ k1: key() }, 'k1').decode([encoded!]),
      /a payload encrypted with key k1 does not decrypt with the key keys\.json holds under that id/,
    );
  });
});

describe('the codec keys', () => {
  it('names the file and each bad field', () => {
    assert.throws(
      () => parseCodecKeys('{"current":"b","keys":{"a":"c2hvcnQ="}}', '/etc/keys.json'),
      (err: Error) => {
        assert.match(err.message, /^\/etc\/keys\.json:/);
        assert.match(err.message, /keys\.a: must be 32 bytes in base64/);
        assert.match(err.message, /current: names a key that keys does not hold/);
        return true;
      },
    );
    assert.throws(() => parseCodecKeys('{', 'BATON_CODEC_KEYS'), /BATON_CODEC_KEYS: not JSON/);
  });

  it('come from a file or the environment, not both; none means no codec', () => {
    const keys = JSON.stringify({ current: 'k1', keys: { k1: key() } });
    const file = join(mkdtempSync(join(tmpdir(), 'codec-keys-')), 'keys.json');
    writeFileSync(file, keys);
    assert.equal(configuredCodecKeys({ BATON_CODEC_KEYS_FILE: file })?.source, file);
    assert.equal(configuredCodecKeys({ BATON_CODEC_KEYS: keys })?.source, 'BATON_CODEC_KEYS');
    assert.throws(() => configuredCodecKeys({ BATON_CODEC_KEYS: keys, BATON_CODEC_KEYS_FILE: file }), /both .* are set: set one/);
    assert.throws(() => configuredCodecKeys({ BATON_CODEC_KEYS_FILE: `${file}.missing` }), /keys\.json\.missing: cannot read it/);
    assert.equal(configuredDataConverter({}), undefined);
    assert.equal(configuredDataConverter({ BATON_CODEC_KEYS: keys })?.payloadCodecs?.length, 1);
  });
});

describe('decodeHistory', () => {
  it('decodes every payload of a history and puts encoded failure messages back', async () => {
    const codec = codecOf({ k1: key() }, 'k1');
    const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
    const failure = failureConverter.errorToFailure(
      ApplicationFailure.nonRetryable(`login refused for ${secret.password}`),
      defaultPayloadConverter,
    );
    assert.equal(failure.message, 'Encoded failure');
    const [encodedAttributes] = await codec.encode([failure.encodedAttributes as Payload]);
    const [input] = await codec.encode([defaultPayloadConverter.toPayload(secret)]);
    const history = {
      events: [
        { workflowExecutionStartedEventAttributes: { input: { payloads: [input] } } },
        { activityTaskFailedEventAttributes: { failure: { ...failure, encodedAttributes } } },
      ],
    } as temporal.api.history.v1.IHistory;
    await decodeHistory(history, codec);
    const [started, failed] = history.events!;
    assert.deepEqual(
      defaultPayloadConverter.fromPayload(started!.workflowExecutionStartedEventAttributes!.input!.payloads![0]! as Payload),
      secret,
    );
    assert.equal(failed!.activityTaskFailedEventAttributes!.failure!.message, 'login refused for hunter2');
    assert.equal(failed!.activityTaskFailedEventAttributes!.failure!.encodedAttributes, undefined);
  });
});
