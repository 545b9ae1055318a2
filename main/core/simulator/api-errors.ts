/**
 * Errors of the REST-JSON protocol, shaped as the service sends them: the type in the
 * `x-amzn-errortype` header, the modelled members in the JSON body, the HTTP status the model
 * gives each error. The SDK picks the error class from the header and fills its fields from the
 * body, so `instanceof ValidationException` and `error.Fields` work against the simulator.
 */
import { randomUUID } from 'node:crypto';

export interface ValidationField {
  Name: string;
  Message: string;
}

export type ValidationReason = 'UNKNOWN_OPERATION' | 'CANNOT_PARSE' | 'FIELD_VALIDATION_FAILED' | 'OTHER';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly body: Record<string, unknown>,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(typeof body['Message'] === 'string' ? body['Message'] : typeof body['message'] === 'string' ? body['message'] : type);
    this.name = 'ApiError';
  }
}

export function validationError(message: string, reason: ValidationReason, fields: readonly ValidationField[] = []): ApiError {
  return new ApiError(400, 'ValidationException', {
    Message: message,
    Reason: reason,
    ErrorId: randomUUID(),
    ...(fields.length > 0 ? { Fields: fields } : {}),
  });
}

/** One field failed: the message names it the way AWS does ("Value … at '…' failed to satisfy constraint: …"). */
export function fieldValidationError(fields: readonly ValidationField[], describe: (field: ValidationField) => string): ApiError {
  const count = fields.length;
  const message = `${count} validation error${count === 1 ? '' : 's'} detected: ${fields.map(describe).join('; ')}`;
  return validationError(message, 'FIELD_VALIDATION_FAILED', fields);
}

export function resourceNotFound(resourceType: string, resourceId: string, message: string): ApiError {
  return new ApiError(404, 'ResourceNotFoundException', { Message: message, ResourceId: resourceId, ResourceType: resourceType });
}

export function conflict(resourceType: string, resourceId: string, message: string): ApiError {
  return new ApiError(409, 'ConflictException', { Message: message, ResourceId: resourceId, ResourceType: resourceType, ErrorId: randomUUID() });
}

export function accessDenied(message: string): ApiError {
  return new ApiError(403, 'AccessDeniedException', { Message: message });
}

export function serviceQuotaExceeded(message: string, quotaCode: string, resourceType: string): ApiError {
  return new ApiError(402, 'ServiceQuotaExceededException', { Message: message, QuotaCode: quotaCode, ServiceCode: 'panorama', ResourceType: resourceType });
}

export function internalServerError(message: string, retryAfterSeconds: number): ApiError {
  return new ApiError(500, 'InternalServerException', { Message: message }, { 'Retry-After': String(retryAfterSeconds) });
}

/** Not modelled by Panorama but sent by every AWS front door above its rate; the SDK retries it by name. */
export function throttled(): ApiError {
  return new ApiError(429, 'ThrottlingException', { message: 'Rate exceeded' });
}

export function missingAuthenticationToken(): ApiError {
  return new ApiError(403, 'MissingAuthenticationTokenException', { message: 'Missing Authentication Token' });
}

export function incompleteSignature(message: string): ApiError {
  return new ApiError(400, 'IncompleteSignatureException', { message });
}

export function invalidSignature(message: string): ApiError {
  return new ApiError(403, 'InvalidSignatureException', { message });
}
