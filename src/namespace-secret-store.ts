import { Annotations, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ExternalSecretsOperator } from './external-secrets-operator';
import { throwPropError } from './private/errors';
import { DNS_LABEL_RULE, isDnsLabel, namespaceStoreManifest } from './private/external-secrets-parts';
import { InlinePolicyPrincipal, serviceAccountTrust } from './private/store-identity';

/**
 * Props of `NamespaceSecretStore`.
 */
export interface NamespaceSecretStoreProps {
  /** The External Secrets Operator of the cluster. */
  readonly operator: ExternalSecretsOperator;

  /**
   * The Kubernetes namespace whose ExternalSecrets read through this store. It must exist when the store is
   * applied: create it yourself, or render it in a chart added with `operator.addChart` (the store then waits
   * for that chart).
   */
  readonly namespace: string;
}

/**
 * What one Kubernetes namespace may read from AWS Secrets Manager, and nothing more: an IAM role that trusts only
 * the namespace's store ServiceAccount (IRSA, through the cluster's OpenID Connect provider), that ServiceAccount
 * (annotated with the role), and an `external-secrets.io/v1` SecretStore in the namespace that authenticates as it.
 *
 * Grant it each secret the namespace links: `user.grantReadCredentials(eso.forNamespace('orders'))`. The role
 * reads exactly those secrets; an ExternalSecret in another namespace cannot use this store (a SecretStore serves
 * its own namespace only), and a store created in another namespace cannot use this ServiceAccount.
 *
 * Usually made by `ExternalSecretsOperator.forNamespace(namespace)` (in the operator's stack); create one yourself
 * to keep a namespace's role in a service's own stack.
 */
export class NamespaceSecretStore extends Construct implements iam.IGrantable {
  /** The namespace. */
  public readonly namespace: string;

  /** The SecretStore's name (the operator's `storeName`, `PostgresLinkChart`'s default `secretStoreName`). */
  public readonly storeName: string;

  /** The ServiceAccount the store authenticates as (named as the store). */
  public readonly serviceAccountName: string;

  /** The namespace's IAM role: it trusts only `system:serviceaccount:<namespace>:<serviceAccountName>`. */
  public readonly role: iam.IRole;

  /** Grants land in the role's inline policy. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The manifest with the ServiceAccount and the SecretStore (applied after the operator's Helm release). */
  public readonly manifest: eks.KubernetesManifest;

  constructor(scope: Construct, id: string, props: NamespaceSecretStoreProps) {
    super(scope, id);
    if (Token.isUnresolved(props.namespace) || !isDnsLabel(props.namespace)) {
      throwPropError(this, {
        prop: 'namespace',
        value: props.namespace,
        allowed: `${DNS_LABEL_RULE}; a literal (the role's trust policy names it)`,
        fix: "give the service's namespace, e.g. 'orders'",
      });
    }
    const operator = props.operator;
    this.namespace = props.namespace;
    this.storeName = operator.storeName;
    this.serviceAccountName = operator.storeName;

    const role = new iam.Role(this, 'Role', {
      assumedBy: serviceAccountTrust(this, 'TrustConditions', operator.cluster, this.namespace, this.serviceAccountName),
      description: `External Secrets store of namespace ${this.namespace} in EKS cluster ${operator.cluster.node.path}: reads the secrets linked into it`,
    });
    this.role = role;
    const principal = new InlinePolicyPrincipal(role, 'LinkedSecrets');
    this.grantPrincipal = principal;
    // Checked at synth, after every grant: a store granted nothing makes its namespace's ExternalSecrets fail.
    this.node.addValidation({
      validate: () => {
        if (principal.document.isEmpty) {
          Annotations.of(this).addWarningV2('cdk-aurora-postgres:emptySecretStore',
            `The store of namespace '${this.namespace}' may read no secret, so its ExternalSecrets will be denied. Grant it what the namespace links: user.grantReadCredentials(eso.forNamespace('${this.namespace}')).`);
        }
        return [];
      },
    });

    this.manifest = new eks.KubernetesManifest(this, 'Manifest', {
      cluster: operator.cluster,
      manifest: namespaceStoreManifest({
        namespace: this.namespace,
        storeName: this.storeName,
        serviceAccountName: this.serviceAccountName,
        roleArn: role.roleArn,
        region: operator.region,
      }),
    });
    // The CRDs and the webhook must be there; the role (and so its inline policy) is referenced by the manifest.
    this.manifest.node.addDependency(operator.helmChart);
    operator._registerStore(this);
  }
}
