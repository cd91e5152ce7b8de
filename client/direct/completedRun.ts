import { openGrpcChannel } from './grpcUnary';
import { encodeMessage, messageField, numberField, readFields, repeatedMessages, stringField, type Fields } from './protobufWire';

/**
 * The field numbers of the Temporal API messages read here (temporal/api/*.proto); a test checks
 * each against the descriptors of @temporalio/proto, the SDK's copy of the API.
 */
export const FIELDS = {
  'workflowservice.v1.DescribeWorkflowExecutionRequest': { namespace: 1, execution: 2 },
  'workflowservice.v1.DescribeWorkflowExecutionResponse': { workflowExecutionInfo: 2 },
  'workflowservice.v1.GetWorkflowExecutionHistoryRequest': { namespace: 1, execution: 2, historyEventFilterType: 6 },
  'workflowservice.v1.GetWorkflowExecutionHistoryResponse': { history: 1 },
  'workflow.v1.WorkflowExecutionInfo': { execution: 1, type: 2, status: 5 },
  'common.v1.WorkflowExecution': { workflowId: 1, runId: 2 },
  'common.v1.WorkflowType': { name: 1 },
  'history.v1.History': { events: 1 },
  'history.v1.HistoryEvent': { eventType: 3, workflowExecutionCompletedEventAttributes: 7 },
  'history.v1.WorkflowExecutionCompletedEventAttributes': { result: 1, newExecutionRunId: 3 },
  'common.v1.Payloads': { payloads: 1 },
  'common.v1.Payload': { metadata: 1, data: 2, externalPayloads: 3 },
} as const;
export const ENUMS = {
  'enums.v1.WorkflowExecutionStatus': { WORKFLOW_EXECUTION_STATUS_COMPLETED: 2 },
  'enums.v1.HistoryEventFilterType': { HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT: 2 },
  'enums.v1.EventType': { EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: 2 },
} as const;

const SERVICE = '/temporal.api.workflowservice.v1.WorkflowService/';
const F = FIELDS;
const none: Fields = new Map();

export interface CompletedRun {
  workflowType: string;
  runId: string;
  result: unknown;
}

/** A payload's value when it is JSON (the SDK's default converter: `json/plain`), else `undefined`. */
function jsonPayload(payload: Fields): { value: unknown } | undefined {
  const P = F['common.v1.Payload'];
  if (payload.has(P.externalPayloads)) return undefined;
  const encoding = repeatedMessages(payload, P.metadata).find((entry) => stringField(entry, 1) === 'encoding');
  if (!encoding || stringField(encoding, 2) !== 'json/plain') return undefined;
  return { value: JSON.parse(stringField(payload, P.data)) };
}

/**
 * The result of the latest run under a workflow ID, read with two unary calls (describe, then the
 * close event of its history) when that run completed with a JSON result; `undefined` for anything
 * else — running, failed, unknown, another encoding, a server that cannot be reached — which the
 * caller then reads through the SDK's client with its full error handling. Plain-text connections
 * only (no TLS, no API key). `trainctl status` of a finished run thus starts in about half the time
 * (bench/cli): loading @temporalio/client and its protobuf tables costs ~130 ms before the first call.
 */
export async function readCompletedRun(o: {
  address: string;
  namespace: string;
  workflowId: string;
  timeoutMs?: number;
}): Promise<CompletedRun | undefined> {
  const channel = openGrpcChannel(o.address, { timeoutMs: o.timeoutMs ?? 3000 });
  const W = F['common.v1.WorkflowExecution'];
  // Both requests have the namespace and the execution under the same numbers (FIELDS).
  const R = F['workflowservice.v1.DescribeWorkflowExecutionRequest'];
  const call = async (method: string, runId: string | undefined, rest: [number, number][] = []) =>
    readFields(
      await channel.call(
        `${SERVICE}${method}`,
        encodeMessage([
          [R.namespace, o.namespace],
          [
            R.execution,
            encodeMessage([
              [W.workflowId, o.workflowId],
              [W.runId, runId],
            ]),
          ],
          ...rest,
        ]),
      ),
    );
  try {
    const described = await call('DescribeWorkflowExecution', undefined);
    const I = F['workflow.v1.WorkflowExecutionInfo'];
    const info = messageField(described, F['workflowservice.v1.DescribeWorkflowExecutionResponse'].workflowExecutionInfo) ?? none;
    if (numberField(info, I.status) !== ENUMS['enums.v1.WorkflowExecutionStatus'].WORKFLOW_EXECUTION_STATUS_COMPLETED) return undefined;
    const runId = stringField(messageField(info, I.execution) ?? none, W.runId);
    const workflowType = stringField(messageField(info, I.type) ?? none, F['common.v1.WorkflowType'].name);

    const history = await call('GetWorkflowExecutionHistory', runId, [
      [
        F['workflowservice.v1.GetWorkflowExecutionHistoryRequest'].historyEventFilterType,
        ENUMS['enums.v1.HistoryEventFilterType'].HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
      ],
    ]);
    const events = repeatedMessages(
      messageField(history, F['workflowservice.v1.GetWorkflowExecutionHistoryResponse'].history) ?? none,
      F['history.v1.History'].events,
    );
    const E = F['history.v1.HistoryEvent'];
    const close = events.at(-1);
    if (!close || numberField(close, E.eventType) !== ENUMS['enums.v1.EventType'].EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) return undefined;
    const C = F['history.v1.WorkflowExecutionCompletedEventAttributes'];
    const completed = messageField(close, E.workflowExecutionCompletedEventAttributes) ?? none;
    // A completion that started a new run (cron, retry) has its result in the chain the SDK follows.
    if (stringField(completed, C.newExecutionRunId)) return undefined;
    const payloads = repeatedMessages(messageField(completed, C.result) ?? none, F['common.v1.Payloads'].payloads);
    const json = payloads.length === 1 ? jsonPayload(payloads[0]!) : undefined;
    return json ? { workflowType, runId, result: json.value } : undefined;
  } catch {
    return undefined;
  } finally {
    channel.close();
  }
}
