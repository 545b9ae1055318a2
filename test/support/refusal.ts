import { expect } from 'vitest';
import { PanoramaUsbError } from '../../main/core/errors';

/** The typed error a promise ends with; fails the test if it succeeds. */
export async function refusal(promise: Promise<unknown>): Promise<PanoramaUsbError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PanoramaUsbError) return error;
    throw error;
  }
  throw new Error('expected a refusal, but it succeeded');
}

export async function expectRefusal(promise: Promise<unknown>, fields: Partial<Record<'code' | 'outcome' | 'message' | 'nextStep', string>>, messagePart?: string): Promise<void> {
  const error = await refusal(promise);
  expect(error).toMatchObject(fields);
  if (messagePart !== undefined) expect(error.message).toContain(messagePart);
}
