import { cdkCases, validatorCase } from './cases-cdk';
import { k8sCases } from './cases-k8s';
import { BenchCase } from './harness';

/** Sizes: clusters in one stack. */
export const CLUSTER_SIZES = [1, 10, 50];
/** Sizes: services, each with its own chart, in one cdk8s app. */
export const SERVICE_SIZES = [10, 100, 500];

/** Every case, in a fixed order (bench/memory.ts addresses them by index). */
export function allCases(): BenchCase[] {
  return [...cdkCases(CLUSTER_SIZES), ...k8sCases(SERVICE_SIZES), validatorCase()];
}
