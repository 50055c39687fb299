import { CfnOutput, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LinkOutputField, outputKey, USER_LINK_SUFFIX } from './output-keys';

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
  write(scope, moduleName, [
    ...(Object.entries(values) as [LinkOutputField, OutputValue][]).map(([f, v]): [string, OutputValue] => [outputKey(moduleName, f), v]),
    ...Object.entries(extra),
  ], onTaken);
}

/** What a database user's link has of its own; the rest is its cluster's (see `addUserLinkOutputs`). */
export interface UserLinkRef {
  /** The cluster's moduleName: its outputs give the host, port and reader host. */
  readonly cluster: string;
  /** The stack that holds the cluster's outputs. */
  readonly stack: string;
  readonly databaseName: string;
  /** ISO 8601, when the password rotates. */
  readonly rotationInterval?: string;
  /** 'IAM' for an IAM user (no secret: its user name and region are here); absent for a password user. */
  readonly authentication?: string;
  readonly username?: string;
  readonly region?: string;
}

/**
 * A database user's outputs: only what differs from its cluster, two whatever the user.
 * `<moduleName>DbSecretArn` (the user's secret) and `<moduleName>DbUserLink` (JSON: the cluster's moduleName and
 * stack, the user's database and rotation interval). `DatabaseLink.fromCdkOutputs` builds the full link from them
 * and the cluster's outputs.
 */
export function addUserLinkOutputs(scope: Construct, moduleName: string,
  user: { secretArn: string; username: string; link: UserLinkRef }, onTaken: () => never): void {
  write(scope, moduleName, [
    [outputKey(moduleName, 'secretArn'), [user.secretArn, `ARN of the Secrets Manager secret of the user ${user.username}`]],
    [`${moduleName}${USER_LINK_SUFFIX}`, [JSON.stringify(user.link), // an undefined rotationInterval is left out
      `The user ${user.username}'s link: the cluster module and stack whose outputs give host and port, the database, the rotation interval; user name and password are the secret's`]],
  ], onTaken);
}

function write(scope: Construct, moduleName: string, all: [string, OutputValue][], onTaken: () => never): void {
  const stack = Stack.of(scope);
  const used = usedOutputKeys.get(stack) ?? new Set<string>();
  usedOutputKeys.set(stack, used);
  if (all.some(([key]) => used.has(key))) onTaken();
  for (const [key, [value, description]] of all) {
    used.add(key);
    const output = new CfnOutput(scope, key, { value, description: `${moduleName}: ${description}` });
    output.overrideLogicalId(key);
  }
}
