import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one construct of its kind in `scope`'s stack, found by its id among the stack's children and created on first
 * use: aws-cdk-lib's pattern for per-stack state (no module-level map, which breaks when two copies of this package
 * load). The construct holds no resource, so it changes no template.
 */
export function stackSingleton<T extends IConstruct>(scope: IConstruct, id: string, create: (stack: Stack, id: string) => T): T {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild(id) as T | undefined) ?? create(stack, id);
}
