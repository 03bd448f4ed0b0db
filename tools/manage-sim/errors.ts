/** Manage's error body: `{code, message, errors?: [{code, message, resource, field}]}`. */
import type { z } from 'zod';

export type ManageFieldError = { code: string; message: string; resource: string; field: string };

export class ManageApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: ManageFieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ManageApiError';
  }

  toBody(): { code: string; message: string; errors?: ManageFieldError[] } {
    return this.errors.length > 0
      ? { code: this.code, message: this.message, errors: this.errors }
      : { code: this.code, message: this.message };
  }
}

/** The 400 Manage returns for a body that fails validation ("ticket object is invalid"). */
export function invalidObject(resource: string, errors: ManageFieldError[]): ManageApiError {
  return new ManageApiError(400, 'InvalidObject', `${resource} object is invalid`, errors);
}

export function notFound(message: string): ManageApiError {
  return new ManageApiError(404, 'NotFound', message);
}

export function badRequest(message: string, errors: ManageFieldError[] = []): ManageApiError {
  return new ManageApiError(400, 'InvalidObject', message, errors);
}

export function fieldError(
  resource: string,
  field: string,
  code: 'InvalidField' | 'MissingRequiredField' | 'ObjectExists' | 'ObjectNotFound',
  message: string,
): ManageFieldError {
  return { code, message, resource, field };
}

/** Maps zod issues to Manage's field errors (missing -> MissingRequiredField, else InvalidField). */
export function zodIssuesToFieldErrors(resource: string, issues: readonly z.core.$ZodIssue[]): ManageFieldError[] {
  return issues.map((issue) => {
    const field = issue.path.map(String).join('/') || resource;
    const missing = issue.code === 'invalid_type' && (issue.input === undefined || issue.input === null);
    if (missing) return fieldError(resource, field, 'MissingRequiredField', `The ${field} field is required.`);
    if (issue.code === 'too_big' && issue.origin === 'string') {
      return fieldError(
        resource,
        field,
        'InvalidField',
        `The field ${field} must be a string with a maximum length of ${String(issue.maximum)}.`,
      );
    }
    return fieldError(resource, field, 'InvalidField', `The value of ${field} is invalid: ${issue.message}`);
  });
}
