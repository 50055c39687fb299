/**
 * The AWS identities of External Secrets stores: a role that trusts one Kubernetes ServiceAccount (IRSA), a
 * principal whose grants land in a role's inline policy, and a principal that refuses every grant.
 */
import { CfnJson, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';

/**
 * A principal for a role's trust policy: the cluster's OpenID Connect provider, for tokens of one ServiceAccount
 * (`system:serviceaccount:<namespace>:<name>`) with the STS audience. The condition keys hold the issuer (a
 * token), so CloudFormation renders them (a `CfnJson`, as `eks.ServiceAccount` does).
 */
export function serviceAccountTrust(scope: Construct, id: string, cluster: eks.ICluster, namespace: string, serviceAccount: string): iam.IPrincipal {
  const provider = cluster.openIdConnectProvider;
  const issuer = provider.openIdConnectProviderIssuer;
  const conditions = new CfnJson(scope, id, {
    value: {
      [`${issuer}:aud`]: 'sts.amazonaws.com',
      [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
    },
  });
  return new iam.OpenIdConnectPrincipal(provider).withConditions({ StringEquals: conditions });
}

/**
 * The grant principal of a role whose permissions live in its own inline policy: no `AWS::IAM::Policy` resource
 * per role, and whatever waits for the role waits for its permissions too.
 */
export class InlinePolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;
  /** The statements granted so far. */
  public readonly document = new iam.PolicyDocument();
  /** The same statements, as they were added (for `isSecretGranted`). */
  public readonly statements: iam.PolicyStatement[] = [];

  constructor(private readonly role: iam.Role, policyName: string) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
    const cfn = role.node.defaultChild as iam.CfnRole;
    cfn.policies = Lazy.any({
      produce: () => this.document.isEmpty ? undefined : [{ policyName, policyDocument: this.document }],
    });
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.document.addStatements(statement);
    this.statements.push(statement);
    return { statementAdded: true, policyDependable: this.role };
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }
}

/**
 * A principal that stands for a role but refuses every grant: `refuse` throws the error that says where the
 * grant should go instead.
 */
export class RefusingPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  constructor(private readonly role: iam.IRole, private readonly refuse: (statement: iam.PolicyStatement) => never) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    return this.refuse(statement);
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.refuse(statement);
  }
}

/** The actions that let an External Secrets store read a secret's value. */
const READ_ACTIONS = ['secretsmanager:GetSecretValue', 'secretsmanager:*', '*'];

/**
 * Whether statements let their principal read a Secrets Manager secret (an ARN or a name, as an ExternalSecret's
 * `remoteRef.key` names it): true when a statement allows `secretsmanager:GetSecretValue` on it (the same ARN, that
 * ARN with the `-??????` suffix of a partial ARN, a matching wildcard, a token built on the secret's own); false when no statement can cover it;
 * undefined when that cannot be told at synth (a literal on one side, a CDK token on the other; a secret name).
 * Tokens are compared as the scope's stack resolves them.
 */
export function isSecretGranted(scope: Construct, statements: iam.PolicyStatement[], secret: string): boolean | undefined {
  const resources = statements
    .filter(s => s.effect === iam.Effect.ALLOW && s.notResources.length === 0 && s.actions.some(a => READ_ACTIONS.includes(a)))
    .flatMap(s => s.resources);
  let unknown = !Token.isUnresolved(secret) && !secret.startsWith('arn:');
  for (const resource of resources) {
    if (resource === '*' || resource === secret || resource === `${secret}-??????`) return true;
    if (Token.isUnresolved(secret) !== Token.isUnresolved(resource)) {
      unknown = true;
    } else if (Token.isUnresolved(secret)) {
      // The same secret, or a pattern built on its ARN (e.g. `${arn}-??????`).
      const covers = resolvedIncludes(scope, resource, secret);
      if (covers) return true;
      if (covers === undefined) unknown = true;
    } else if (wildcard(resource).test(secret)) {
      return true;
    }
  }
  return unknown ? undefined : false;
}

/**
 * Whether one token, resolved in the scope's stack, contains another; undefined when one cannot be resolved there
 * (a reference to a stack that the scope's stack does not refer to).
 */
function resolvedIncludes(scope: Construct, outer: string, inner: string): boolean | undefined {
  const stack = Stack.of(scope);
  try {
    return JSON.stringify(stack.resolve(outer)).includes(JSON.stringify(stack.resolve(inner)));
  } catch {
    return undefined;
  }
}

/** An IAM resource pattern (`*` any characters, `?` one) as a regular expression. */
function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`);
}
