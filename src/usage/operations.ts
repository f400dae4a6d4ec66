import { z } from 'zod';
import { dataFile, loadYamlData } from './data.js';
import type { Provider } from './types.js';

const OperationKind = z.enum(['chat', 'streaming-chat', 'embedding']);
export type OperationKind = z.infer<typeof OperationKind>;

const KindSize = z.strictObject({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  rationale: z.string().min(10),
});

export const OperationsFile = z.strictObject({
  kinds: z.strictObject({ chat: KindSize, 'streaming-chat': KindSize, embedding: KindSize }),
  operations: z.strictObject({
    aws: z.record(z.string().min(1), OperationKind),
    azure: z.record(z.string().min(1), OperationKind),
    gcp: z.record(z.string().min(1), OperationKind),
  }),
});
export type OperationsFile = z.infer<typeof OperationsFile>;

let cached: OperationsFile | undefined;

/** operations.yml, validated once. */
export function operations(): OperationsFile {
  cached ??= loadYamlData(dataFile('operations.yml'), OperationsFile);
  return cached;
}

/** The kind of a paid invocation, or undefined when the operation is not one. */
export function operationKind(provider: Provider, operation: string): OperationKind | undefined {
  return operations().operations[provider][operation];
}
