import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/** A setting that has a new name and a deprecated one, as a construct received it. */
export interface RenamedProp<T> {
  /** The rule's code (each renamed setting has its own). */
  readonly code: string;
  /** The new name, e.g. `secretStoreName` (with its path where it is nested: `links[0].envNames`). */
  readonly prop: string;
  /** The deprecated name, e.g. `storeName`. */
  readonly deprecatedProp: string;
  /** The value under the new name. */
  readonly value: T | undefined;
  /** The value under the deprecated name. */
  readonly deprecatedValue: T | undefined;
  /** How the deprecated value is shown in the error (default: as it is). */
  readonly show?: (value: T) => unknown;
}

/**
 * The one rule of every renamed setting: the new name or the deprecated one, not both (they are one setting).
 * Returns the value given, under whichever name.
 */
export function validateRenamedProp<T>(scope: IConstruct, p: RenamedProp<T>): T | undefined {
  if (p.value !== undefined && p.deprecatedValue !== undefined) {
    throwPropError(scope, {
      code: p.code,
      prop: p.deprecatedProp,
      value: p.show ? p.show(p.deprecatedValue) : p.deprecatedValue,
      allowed: `${p.prop} or the deprecated ${p.deprecatedProp.replace(/^.*\./, '')}, not both (they are one setting, and ${p.prop} is given)`,
      fix: `drop ${p.deprecatedProp.replace(/^.*\./, '')} and keep ${p.prop.replace(/^.*\./, '')}`,
    });
  }
  return p.value ?? p.deprecatedValue;
}
