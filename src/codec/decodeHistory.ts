import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';
import { configuredDataConverter } from './dataConverter.js';

/** What the encoding failure converter moves out of a failure's message and stack trace. */
interface EncodedFailureAttributes {
  message?: string;
  stack_trace?: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !ArrayBuffer.isView(value);

/** A Payload message: metadata with an encoding, and data (every payload Temporal writes names its encoding). */
const isPayload = (value: Record<string, unknown>): boolean =>
  isRecord(value.metadata) && ArrayBuffer.isView(value.metadata[METADATA_ENCODING_KEY]) && 'data' in value;

/**
 * Decodes every payload of a history in place (inputs, results, memos, headers, failure details), and puts each
 * failure's message and stack trace back where readers of a history look for them. Payloads the codec did not
 * encode come out as they were, so a history from before the codec decodes too.
 */
export async function decodeHistory(history: temporal.api.history.v1.IHistory, codec: PayloadCodec): Promise<void> {
  await decodeWithin(history, codec);
}

async function decodeWithin(value: unknown, codec: PayloadCodec): Promise<void> {
  if (Array.isArray(value)) {
    await Promise.all(value.map((item) => decodeWithin(item, codec)));
    return;
  }
  if (!isRecord(value)) return;
  if (isPayload(value)) {
    // In place, so the history keeps its message objects (their Long fields and defaults).
    const [plain] = await codec.decode([value as Payload]);
    value.metadata = plain!.metadata;
    value.data = plain!.data;
    return;
  }
  await Promise.all(Object.values(value).map((inner) => decodeWithin(inner, codec)));
  const encoded = value.encodedAttributes;
  if (isRecord(encoded) && isPayload(encoded)) {
    const attributes = defaultPayloadConverter.fromPayload<EncodedFailureAttributes>(encoded as Payload);
    value.message = attributes.message ?? '';
    value.stackTrace = attributes.stack_trace ?? '';
    delete value.encodedAttributes;
  }
}

/** Decodes histories in place with the configured codec, when keys are configured: reports read payloads themselves. */
export async function decodeWithConfiguredCodec(histories: temporal.api.history.v1.IHistory[]): Promise<void> {
  const codecs = configuredDataConverter()?.payloadCodecs ?? [];
  // Codecs decode in the reverse of their encoding order.
  for (const codec of [...codecs].reverse()) for (const history of histories) await decodeHistory(history, codec);
}
