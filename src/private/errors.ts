import { IConstruct } from 'constructs';

/**
 * What a bad-input error says: the prop, the value, what is allowed and how to fix it.
 */
export interface PropErrorDetails {
  /** The prop, e.g. `instanceClass` or `links[1].rename`. */
  readonly prop: string;
  /** What the user gave (rendered with JSON.stringify unless already a string). */
  readonly value: unknown;
  /** What is allowed. */
  readonly allowed: string;
  /** How to fix it. */
  readonly fix: string;
}

/**
 * Builds the one error message shape this library uses for bad input, so every error names the prop, the
 * value, what is allowed and the fix.
 */
export function propErrorMessage(where: string, details: PropErrorDetails): string {
  const value = typeof details.value === 'string' ? `'${details.value}'` : JSON.stringify(details.value);
  return `${where}: invalid ${details.prop} ${value}. Allowed: ${details.allowed}. Fix: ${details.fix}`;
}

/** Throws a bad-input error attached to a construct (its path is named in the message). */
export function throwPropError(scope: IConstruct, details: PropErrorDetails): never {
  throw new Error(propErrorMessage(`${scope.constructor.name} at '${scope.node.path}'`, details));
}
