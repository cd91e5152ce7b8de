import { temporal } from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { ENUMS, FIELDS } from '../../client/direct/completedRun';
import { encodeMessage, messageField, numberField, readFields, repeatedMessages, stringField } from '../../client/direct/protobufWire';

type Reflected = { fields: Record<string, { id: number }>; values?: Record<string, number> };
/** A message or enum of the Temporal API by its name under temporal.api, from the SDK's own descriptors. */
const reflected = (name: string): Reflected => {
  const root = (temporal as unknown as { api: { lookup(n: string): Reflected | null } }).api;
  const found = root.lookup(name);
  if (!found) throw new Error(`temporal.api.${name} is not in @temporalio/proto`);
  return found;
};

describe('the direct reads of a finished run (client/direct)', () => {
  it('use the field numbers and enum values of the Temporal API', () => {
    for (const [message, fields] of Object.entries(FIELDS))
      for (const [name, no] of Object.entries(fields)) expect(reflected(message).fields[name]?.id, `${message}.${name}`).toBe(no);
    for (const [e, values] of Object.entries(ENUMS))
      for (const [name, value] of Object.entries(values)) expect(reflected(e).values?.[name], `${e}.${name}`).toBe(value);
  });

  it('encode requests that the SDK decodes to the same message', () => {
    const ours = encodeMessage([
      [1, 'default'],
      [
        2,
        encodeMessage([
          [1, 'train-direction-classifier'],
          [2, 'run-1'],
        ]),
      ],
      [6, 2],
    ]);
    const decoded = temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryRequest.decode(ours);
    expect(decoded.namespace).toBe('default');
    expect(decoded.execution).toMatchObject({ workflowId: 'train-direction-classifier', runId: 'run-1' });
    expect(decoded.historyEventFilterType).toBe(temporal.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT);
    // Lengths past one byte and non-ASCII text.
    const long = 'é'.repeat(300);
    expect(temporal.api.common.v1.WorkflowType.decode(encodeMessage([[1, long]])).name).toBe(long);
  });

  it('read what the SDK encodes, skipping the fields they do not know', () => {
    const result = { outcome: 'promoted', candidateVersion: 'v1.2.0', metrics: { accuracy: 0.61 } };
    const Response = temporal.api.workflowservice.v1.GetWorkflowExecutionHistoryResponse;
    // fromObject: the int64 fields as plain numbers.
    const bytes = Response.encode(
      Response.fromObject({
        history: {
          events: [
            {
              eventId: 42,
              eventTime: { seconds: 1_765_000_000, nanos: 5 },
              eventType: temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
              taskId: 2 ** 40 + 3,
              workflowExecutionCompletedEventAttributes: {
                workflowTaskCompletedEventId: 41,
                result: {
                  payloads: [{ metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from(JSON.stringify(result)) }],
                },
              },
            },
          ],
        },
        nextPageToken: Buffer.from([1, 2, 3]),
      }),
    ).finish();
    const history = readFields(bytes);
    const [event] = repeatedMessages(messageField(history, 1)!, 1);
    expect(numberField(event!, 1)).toBe(42);
    expect(numberField(event!, 5)).toBe(2 ** 40 + 3);
    expect(numberField(event!, 3)).toBe(2);
    const attrs = messageField(event!, 7)!;
    expect(stringField(attrs, 3)).toBe('');
    const [payload] = repeatedMessages(messageField(attrs, 1)!, 1);
    const [entry] = repeatedMessages(payload!, 1);
    expect([stringField(entry!, 1), stringField(entry!, 2)]).toEqual(['encoding', 'json/plain']);
    expect(JSON.parse(stringField(payload!, 2))).toEqual(result);
  });

  it('refuse a truncated message instead of reading past it', () => {
    const bytes = temporal.api.common.v1.WorkflowType.encode({ name: 'trainingPipeline' }).finish();
    expect(() => readFields(bytes.subarray(0, bytes.length - 3))).toThrow(/field longer than its message/);
    expect(() => readFields(Uint8Array.from([0x08, 0x80]))).toThrow(/truncated varint/);
  });
});
