/**
 * Errors carry a stable code (`organizations.not_found`), an HTTP status, a human message
 * (Chinese first, English after a slash) and optional per-field messages. They are rendered in one
 * place (src/server/error-handler.ts) as `{ error: { code, message, fields } }`.
 * Domain code throws AppError; it never throws transport errors or catches driver errors.
 */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly fields: FieldErrors | undefined;
  readonly details: unknown;

  constructor(opts: { code: string; message: string; status: number; fields?: FieldErrors; details?: unknown }) {
    super(opts.message);
    this.name = 'AppError';
    this.code = opts.code;
    this.status = opts.status;
    this.fields = opts.fields;
    this.details = opts.details;
  }
}

export function createError(opts: {
  code: string;
  message: string;
  status?: number;
  fields?: FieldErrors;
  details?: unknown;
}): AppError {
  return new AppError({ status: statusForCode(opts.code), ...opts });
}

/** The one table that maps an error code's suffix to an HTTP status. */
const STATUS_BY_SUFFIX: Array<[RegExp, number]> = [
  [/\.not_found$/, 404],
  [/\.forbidden$|^auth\.forbidden|\.not_owner$|\.wrong_region$/, 403],
  [/^auth\.(unauthenticated|session_expired)$/, 401],
  [/^auth\.csrf_failed$/, 403],
  [/\.rate_limited$/, 429],
  [/\.conflict$|\.already_exists$|\.duplicate|\.version_mismatch$|\.slot_taken$|\.in_use$/, 409],
  [/\.cycle_detected$/, 409],
  [/^validation\.|\.invalid|\.invalid_[a-z_]+$|\.required$/, 400],
];

export function statusForCode(code: string): number {
  for (const [re, status] of STATUS_BY_SUFFIX) if (re.test(code)) return status;
  return 400;
}

export function notFound(entity: string, id: string | number): AppError {
  return createError({
    code: `${entity}.not_found`,
    message: `未找到记录 / ${entity} ${id} not found`,
    status: 404,
  });
}

export function validationError(fields: FieldErrors, message = '输入有误 / Invalid input'): AppError {
  return createError({ code: 'validation.failed', message, status: 400, fields });
}
