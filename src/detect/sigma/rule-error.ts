import type { ErrorCode } from '../../errors.js';
import type { SourcePos } from './ast.js';

export type RuleCode = Extract<ErrorCode, 'JACKSTOP_RULE_INVALID' | 'JACKSTOP_RULE_UNSUPPORTED'>;

/** Internal: a refusal with the YAML position it is about (`parseSigma` turns it into a JackstopError). */
export class RuleError extends Error {
  constructor(
    readonly code: RuleCode,
    message: string,
    readonly pos: SourcePos | undefined,
  ) {
    super(message);
  }
}
