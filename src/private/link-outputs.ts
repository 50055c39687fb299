import { CfnOutput } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { throwPropError } from './errors';
import { LINK_OUTPUT_FIELDS, LinkOutputField, outputKey, USER_LINK_SUFFIX } from './output-keys';
import { stackSingleton } from './stack-singleton';

/** The id of the per-stack construct that holds the output keys the library's links use in the stack. */
const KEYS_ID = 'cdk-aurora-postgres.LinkOutputKeys';

/** Per stack: the output keys already used in it, so that two links cannot claim the same keys. */
class LinkOutputKeys extends Construct {
  public readonly used = new Set<string>();
}

function usedKeys(scope: IConstruct): Set<string> {
  return stackSingleton(scope, KEYS_ID, (stack, id) => new LinkOutputKeys(stack, id)).used;
}

/** The keys a database's link outputs take: `<moduleName>DbHost`, ... and the `extra` ones. */
export function linkOutputKeys(moduleName: string, extra: string[] = []): string[] {
  return [...LINK_OUTPUT_FIELDS.map(f => outputKey(moduleName, f)), ...extra];
}

/**
 * Refuses a database's module name whose output keys (`keys`, from `linkOutputKeys`) another database or user in
 * the same stack already took. Run before the database creates anything.
 */
export function validateOutputKeysFree(scope: IConstruct, moduleName: string, keys: string[]): void {
  const used = usedKeys(scope);
  if (!keys.some(key => used.has(key))) return;
  throwPropError(scope, {
    code: 'MODULE_NAME_TAKEN',
    prop: 'moduleName',
    value: moduleName,
    allowed: 'a module name not used by another database or user in the same stack (it prefixes the output keys)',
    fix: 'give each database in the stack its own moduleName',
  });
}

/** One output: its value and what it is. */
export type OutputValue = [value: string, description: string];

/**
 * Writes the outputs that `DatabaseLink.fromCdkOutputs` reads (`<moduleName>DbHost`, ...), plus any extra ones,
 * as children of `scope` whose construct id and logical id are both `<key>`: tools that look an output up by its
 * construct id (the cdk8s AWS CDK resolver, `@cdk8s/awscdk-resolver`) then ask CloudFormation for the right key.
 * Refuses keys already used in the stack (`validateOutputKeysFree`: a database runs it before it creates anything).
 */
export function addLinkOutputs(scope: Construct, moduleName: string, values: Record<LinkOutputField, OutputValue>,
  extra: Record<string, OutputValue> = {}): void {
  const all: [string, OutputValue][] = [
    ...(Object.entries(values) as [LinkOutputField, OutputValue][]).map(([f, v]): [string, OutputValue] => [outputKey(moduleName, f), v]),
    ...Object.entries(extra),
  ];
  write(scope, moduleName, all, () => validateOutputKeysFree(scope, moduleName, all.map(([key]) => key)));
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

function write(scope: Construct, moduleName: string, all: [string, OutputValue][], onTaken: () => void): void {
  const used = usedKeys(scope);
  if (all.some(([key]) => used.has(key))) onTaken();
  for (const [key, [value, description]] of all) {
    used.add(key);
    const output = new CfnOutput(scope, key, { value, description: `${moduleName}: ${description}` });
    output.overrideLogicalId(key);
  }
}
