import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { ServingMetrics } from './metrics';
import { RequestError } from './requestError';

/**
 * Every refusal as `{ error }` with a one-line message, counted by reason. Fastify's own errors
 * (malformed JSON, body over the limit) get a message naming the body, like ours name the field.
 */
export function errorReply(o: { metrics: ServingMetrics; bodyLimitBytes: number }) {
  return (err: FastifyError | RequestError, _req: FastifyRequest, reply: FastifyReply) => {
    if (err instanceof RequestError) {
      o.metrics.rejections.inc({ reason: err.reason });
      return reply.code(err.statusCode).send({ error: err.message });
    }
    const status = err.statusCode ?? 500;
    if (status >= 500) return reply.code(500).send({ error: `internal error: ${err.message}` });
    let reason = 'bad_request';
    let message = err.message;
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      reason = 'body_too_large';
      message = `body: larger than the limit of ${o.bodyLimitBytes} bytes`;
    } else if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError) {
      reason = 'malformed_json';
      message = `body: malformed JSON (${err.message})`;
    }
    o.metrics.rejections.inc({ reason });
    return reply.code(status).send({ error: message });
  };
}
