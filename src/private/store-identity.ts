/**
 * The AWS identities of External Secrets stores: a role that trusts one Kubernetes ServiceAccount (IRSA), a
 * principal whose grants land in a role's inline policy, and a principal that refuses every grant.
 */
import { CfnJson, Lazy } from 'aws-cdk-lib';
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
