import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { validateDnsLabel, validateDnsSubdomain } from './private/names';

/**
 * Properties of a `DatabasePodIdentity`.
 */
export interface DatabasePodIdentityProps {
  /**
   * The name of the EKS cluster the pods run in (e.g. `cluster.clusterName`). It needs the EKS Pod Identity Agent
   * add-on (`eks-pod-identity-agent`) and Linux EC2 nodes: Fargate pods get no Pod Identity credentials (use
   * IAM roles for service accounts there).
   */
  readonly clusterName: string;

  /** The Kubernetes namespace of the pods (the `PostgresLinkChart`'s namespace). */
  readonly namespace: string;

  /**
   * The pods' ServiceAccount (the one the `PostgresLinkChart` renders for an IAM link, and the pods run as).
   */
  readonly serviceAccount: string;

  /**
   * The IAM role's name.
   *
   * @default - a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * AWS credentials without keys for the pods of one ServiceAccount, through EKS Pod Identity: an IAM role that
 * `pods.eks.amazonaws.com` may assume (and tag the session of) and the Pod Identity association of the cluster,
 * namespace and ServiceAccount. Give it to `DatabaseUser.grantConnect` for IAM database authentication (the
 * token refresher beside the app signs tokens with these credentials), or to any other grant.
 *
 * @resource AWS::EKS::PodIdentityAssociation
 */
export class DatabasePodIdentity extends Construct implements iam.IGrantable {
  /** The pods' role. */
  public readonly role: iam.IRole;

  /** The principal grants go to: the pods' role. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The Kubernetes namespace. */
  public readonly namespace: string;

  /** The ServiceAccount. */
  public readonly serviceAccount: string;

  /** The ARN of the Pod Identity association. */
  public readonly associationArn: string;

  constructor(scope: Construct, id: string, props: DatabasePodIdentityProps) {
    super(scope, id);
    this.namespace = validateNamespace(this, props.namespace);
    this.serviceAccount = validateServiceAccount(this, props.serviceAccount);
    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      // EKS Pod Identity assumes the role and tags the session (cluster, namespace, ServiceAccount, pod).
      assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      description: `EKS Pod Identity of ${props.namespace}/${props.serviceAccount}`,
    });
    this.grantPrincipal = this.role;
    const association = new eks.CfnPodIdentityAssociation(this, 'Association', {
      clusterName: props.clusterName,
      namespace: props.namespace,
      serviceAccount: props.serviceAccount,
      roleArn: this.role.roleArn,
    });
    this.associationArn = association.attrAssociationArn;
  }
}

/** The pods' namespace: a DNS label (skipped when a token). */
function validateNamespace(scope: Construct, namespace: string): string {
  return validateDnsLabel(scope, { code: 'POD_IDENTITY_NAMESPACE_INVALID', prop: 'namespace', name: namespace, fix: "use the namespace the PostgresLinkChart renders, e.g. 'orders'" });
}

/** The pods' ServiceAccount: a DNS subdomain (skipped when a token). */
function validateServiceAccount(scope: Construct, serviceAccount: string): string {
  return validateDnsSubdomain(scope, { code: 'POD_IDENTITY_SERVICE_ACCOUNT_INVALID', prop: 'serviceAccount', name: serviceAccount, fix: "use the ServiceAccount name the PostgresLinkChart renders, e.g. 'orders-db'" });
}
