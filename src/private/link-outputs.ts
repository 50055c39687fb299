import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LinkOutputField, outputKey } from './output-keys';

/** Stack -> output keys already used in it, so that two links cannot claim the same keys. */
const usedOutputKeys = new WeakMap<Stack, Set<string>>();

/** One output: its value and what it is. */
export type OutputValue = [value: string, description: string];

/**
 * Writes the outputs that `DatabaseLink.fromCdkOutputs` reads (`<moduleName>DbHost`, ...), plus any extra ones,
 * as children of `scope` whose construct id and logical id are both `<key>`: tools that look an output up by its
 * construct id (the cdk8s AWS CDK resolver, `@cdk8s/awscdk-resolver`) then ask CloudFormation for the right key.
 * Calls `onTaken` when the module's keys are already used in the stack.
 */
export function addLinkOutputs(scope: Construct, moduleName: string, values: Record<LinkOutputField, OutputValue>,
  onTaken: () => never, extra: Record<string, OutputValue> = {}): void {
  const stack = Stack.of(scope);
  const used = usedOutputKeys.get(stack) ?? new Set<string>();
  usedOutputKeys.set(stack, used);
  if (used.has(outputKey(moduleName, 'host'))) onTaken();
  const all: [string, OutputValue][] = [
    ...(Object.entries(values) as [LinkOutputField, OutputValue][]).map(([f, v]): [string, OutputValue] => [outputKey(moduleName, f), v]),
    ...Object.entries(extra),
  ];
  for (const [key, [value, description]] of all) {
    used.add(key);
    const output = new CfnOutput(scope, key, { value, description: `${moduleName}: ${description}` });
    output.overrideLogicalId(key);
  }
}
