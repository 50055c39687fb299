import { cdkCases, validatorCase } from './cases-cdk';
import { BenchCase } from './harness';

/** Sizes: clusters in one stack. */
export const CLUSTER_SIZES = [1, 10, 50];

/** Every case, in a fixed order (bench/memory.ts addresses them by index). */
export function allCases(): BenchCase[] {
  return [...cdkCases(CLUSTER_SIZES), validatorCase()];
}
