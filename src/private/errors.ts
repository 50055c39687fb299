import { IConstruct } from 'constructs';

/**
 * What a bad-input error says: a stable code, the prop, the value (or that it is missing), what is allowed and
 * how to fix it.
 */
export interface PropErrorDetails {
  /**
   * The rule's stable code, in UPPER_SNAKE_CASE (e.g. `INSTANCE_CLASS_BURSTABLE_ON_GLOBAL`): users and tests match
   * on it, so the sentence around it may change. Each code is thrown from one place (test/layout.test.ts checks).
   */
  readonly code?: string;
  /** The prop, e.g. `instanceClass` or `links[1].rename`. */
  readonly prop: string;
  /**
   * What the user gave (rendered with JSON.stringify unless already a string). `undefined`: the prop is missing,
   * and the message says so ("missing <prop>. Required: <allowed>").
   */
  readonly value: unknown;
  /** What is allowed (or, for a missing prop, what is required). */
  readonly allowed: string;
  /** How to fix it. */
  readonly fix: string;
}

/** The error this library throws for bad input: its message has one shape, and `code` names the rule. */
export class PropError extends Error {
  /** The rule's stable code (see `PropErrorDetails.code`). */
  public readonly code: string;

  constructor(where: string, details: PropErrorDetails) {
    super(propErrorMessage(where, details));
    this.name = 'ValidationError';
    this.code = details.code ?? 'INVALID_INPUT';
  }
}

/**
 * Builds the one error message shape this library uses for bad input, so every error names its code, the prop,
 * the value (or that it is missing), what is allowed and the fix:
 * `[CODE] Where: invalid prop 'value'. Allowed: ... Fix: ...` or `[CODE] Where: missing prop. Required: ... Fix: ...`.
 */
export function propErrorMessage(where: string, details: PropErrorDetails): string {
  const code = `[${details.code ?? 'INVALID_INPUT'}] `;
  if (details.value === undefined) {
    return `${code}${where}: missing ${details.prop}. Required: ${details.allowed}. Fix: ${details.fix}`;
  }
  const value = typeof details.value === 'string' ? `'${details.value}'` : JSON.stringify(details.value);
  return `${code}${where}: invalid ${details.prop} ${value}. Allowed: ${details.allowed}. Fix: ${details.fix}`;
}

/** Where a construct is, as error messages name it: `AuroraPostgres at 'Stack/Db'`. */
export function constructLocation(scope: IConstruct): string {
  return `${scope.constructor.name} at '${scope.node.path}'`;
}

/** Throws a bad-input error attached to a construct (its path is named in the message). */
export function throwPropError(scope: IConstruct, details: PropErrorDetails): never {
  throw new PropError(constructLocation(scope), details);
}

/** Throws a bad-input error of a static method or a value that is not a construct (`where` names it). */
export function throwInputError(where: string, details: PropErrorDetails): never {
  throw new PropError(where, details);
}
