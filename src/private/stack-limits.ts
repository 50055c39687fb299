import { Annotations, CfnOutput, CfnResource, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { stackSingleton } from './stack-singleton';

/** CloudFormation's limits per stack (template as uploaded through S3). */
export const STACK_LIMITS = { resources: 500, outputs: 200, bytes: 1_000_000 } as const;

/** Past this share of a limit, a stack with the library's resources gets a warning. */
export const WARN_AT = 0.8;

export const STACK_LIMITS_WARNING = 'cdk-aurora-postgres:stackLimits';

/** One of the library's constructs in a stack. */
interface Owner {
  readonly construct: IConstruct;
  readonly kind: 'cluster' | 'user' | 'chart';
}

/** The id of the per-stack construct that holds the library's constructs in the stack. */
const WATCH_ID = 'cdk-aurora-postgres.StackLimits';

/** Per stack: the library's constructs in it (clusters, users, charts), checked once at synth. */
class StackLimitsWatch extends Construct {
  public readonly owners: Owner[] = [];

  constructor(stack: Stack, id: string) {
    super(stack, id);
    stack.node.addValidation({ validate: () => { warnNearLimits(stack, this.owners); return []; } });
  }
}

/**
 * Watches the stack of `owner` (an `AuroraPostgres`, a `DatabaseUser`, or a chart applied by
 * `ExternalSecretsOperator.addChart`): at synth, if the stack crosses 80% of a CloudFormation limit (500 resources,
 * 200 outputs, 1,000,000 template bytes), it gets one warning per limit, naming the count, the library's share and
 * the fix.
 */
export function watchStackLimits(construct: IConstruct, kind: 'cluster' | 'user' | 'chart'): void {
  stackSingleton(construct, WATCH_ID, (stack, id) => new StackLimitsWatch(stack, id)).owners.push({ construct, kind });
}

/** One warning per CloudFormation limit the stack is past 80% of, while it holds the library's resources. */
function warnNearLimits(stack: Stack, owners: Owner[]): void {
  const inStack = stack.node.findAll().filter(c => Stack.of(c) === stack);
  const resources = inStack.filter(c => CfnResource.isCfnResource(c));
  const outputs = inStack.filter(c => c instanceof CfnOutput);
  const ownerPaths = owners.map(o => `${o.construct.node.path}/`);
  const ours = (c: IConstruct) => ownerPaths.some(p => `${c.node.path}/`.startsWith(p));
  const users = owners.filter(o => o.kind === 'user').length;
  const fix = 'Fix: give each service a stack of its own for its DatabaseUser and its chart (new DatabaseUser(serviceStack, id, { database, ... }), and the chart applied from serviceStack); see docs/scale.md';
  const warn = (what: string, count: number, limit: number, share: string) => {
    Annotations.of(stack).addWarningV2(STACK_LIMITS_WARNING,
      `Stack '${stack.stackName}' holds ${count} ${what}, ${Math.round(count / limit * 100)}% of CloudFormation's limit of ${limit}${share}. ${fix}`);
  };
  const libraryResources = resources.filter(ours).length;
  if (libraryResources > 0 && resources.length > STACK_LIMITS.resources * WARN_AT) {
    warn('resources', resources.length, STACK_LIMITS.resources, ` (${libraryResources} from cdk-aurora-postgres, ${users} database user(s))`);
  }
  const libraryOutputs = outputs.filter(ours).length;
  if (libraryOutputs > 0 && outputs.length > STACK_LIMITS.outputs * WARN_AT) {
    warn('outputs', outputs.length, STACK_LIMITS.outputs, ` (${libraryOutputs} from cdk-aurora-postgres, ${users} database user(s))`);
  }
  // Template bytes: only a stack the library applies charts in can reach the byte limit because of the library
  // (a cluster adds ~10 KiB for ~15 resources, a user ~3 KiB for ~5: the resource limit comes first). For those
  // stacks, the template as the CDK writes it (JSON, indented by one space), rendered once more for this check.
  if (!owners.some(o => o.kind === 'chart')) return;
  const template = (stack as unknown as { _toCloudFormation(): unknown })._toCloudFormation();
  const bytes = Buffer.byteLength(JSON.stringify(template, undefined, 1));
  if (bytes > STACK_LIMITS.bytes * WARN_AT) {
    warn('template bytes', bytes, STACK_LIMITS.bytes, ` (with ${users} database user(s); each chart applied in this stack carries its manifests, the CA bundle among them)`);
  }
}
