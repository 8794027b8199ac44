import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../errors.ts';

export interface ErrorBody {
  error: { code: string; message: string; fields?: Record<string, string>; details?: unknown };
}

function zodFields(issues: ReadonlyArray<{ path?: ReadonlyArray<PropertyKey>; message: string; instancePath?: string }>) {
  const fields: Record<string, string> = {};
  for (const i of issues) {
    const key = i.path?.length ? i.path.map(String).join('.') : (i.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.') || '_';
    if (!fields[key]) fields[key] = i.message;
  }
  return fields;
}

/** The one place where errors become HTTP responses: `{ error: { code, message, fields } }`. */
export function errorHandler(err: FastifyError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    const body: ErrorBody = { error: { code: err.code, message: err.message } };
    if (err.fields) body.error.fields = err.fields;
    if (err.details !== undefined) body.error.details = err.details;
    const retry = (err.details as any)?.retryAfterSeconds;
    if (retry) reply.header('retry-after', String(retry));
    return reply.status(err.status).send(body);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const fields = zodFields(err.validation.map((v: any) => ({ path: v.params?.issue?.path, message: v.message, instancePath: v.instancePath })));
    const where = (err as any).validationContext ?? 'body';
    return reply.status(400).send({
      error: {
        code: 'validation.failed',
        message: `输入有误 / invalid ${where}: ${Object.entries(fields)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')}`,
        fields,
      },
    });
  }
  if (err instanceof ZodError) {
    const fields = zodFields(err.issues);
    return reply.status(400).send({ error: { code: 'validation.failed', message: '输入有误 / invalid input', fields } });
  }
  if (isResponseSerializationError(err)) {
    req.log.error({ err, issues: (err as any).cause?.issues }, 'response does not match its schema');
    return reply.status(500).send({ error: { code: 'server.response_invalid', message: '服务器内部错误 / internal error' } });
  }
  const fe = err as FastifyError;
  if (fe.statusCode && fe.statusCode < 500) {
    const code =
      fe.statusCode === 404 ? 'http.not_found' : fe.statusCode === 413 ? 'http.payload_too_large' : fe.statusCode === 415 ? 'http.unsupported_media_type' : 'http.bad_request';
    return reply.status(fe.statusCode).send({ error: { code, message: fe.message } });
  }
  req.log.error({ err }, 'unhandled error');
  return reply.status(500).send({ error: { code: 'server.internal', message: '服务器内部错误 / internal error' } });
}
