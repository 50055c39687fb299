import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { ExternalSecretsOperator } from './external-secrets-operator';
import { validateStoreNamespace } from './private/external-secrets-operator-options';
import { namespaceStoreManifest } from './private/external-secrets-parts';
import { InlinePolicyPrincipal, isSecretGranted, serviceAccountTrust } from './private/store-identity';

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

  /** The SecretStore's name (the operator's `secretStoreName`, `PostgresLinkChart`'s default `secretStoreName`). */
  public readonly secretStoreName: string;

  /**
   * The SecretStore's name.
   *
   * @deprecated use `secretStoreName`
   */
  public readonly storeName: string;

  /** The ServiceAccount the store authenticates as (named as the store). */
  public readonly serviceAccountName: string;

  /** The namespace's IAM role: it trusts only `system:serviceaccount:<namespace>:<serviceAccountName>`. */
  public readonly role: iam.IRole;

  /** Grants land in the role's inline policy. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The manifest with the ServiceAccount and the SecretStore (applied after the operator's Helm release). */
  public readonly manifest: eks.KubernetesManifest;

  /** The secrets the namespace's ExternalSecrets read (added with `operator.addChart`), and who reads each. */
  private readonly expectedSecrets = new Map<string, string>();

  constructor(scope: Construct, id: string, props: NamespaceSecretStoreProps) {
    super(scope, id);
    const operator = props.operator;
    this.namespace = validateStoreNamespace(this, 'namespace', props.namespace, "give the service's namespace, e.g. 'orders'");
    this.secretStoreName = operator.secretStoreName;
    this.storeName = operator.secretStoreName;
    this.serviceAccountName = operator.secretStoreName;

    const role = new iam.Role(this, 'Role', {
      assumedBy: serviceAccountTrust(this, 'TrustConditions', operator.cluster, this.namespace, this.serviceAccountName),
      description: `External Secrets store of namespace ${this.namespace} in EKS cluster ${operator.cluster.node.path}: reads the secrets linked into it`,
    });
    this.role = role;
    const principal = new InlinePolicyPrincipal(role, 'LinkedSecrets');
    this.grantPrincipal = principal;
    // Checked at synth, after every grant.
    this.node.addValidation({ validate: () => this.warnOfMissingGrants(principal) });

    this.manifest = new eks.KubernetesManifest(this, 'Manifest', {
      cluster: operator.cluster,
      manifest: namespaceStoreManifest({
        namespace: this.namespace,
        storeName: this.secretStoreName,
        serviceAccountName: this.serviceAccountName,
        roleArn: role.roleArn,
        region: operator.region,
      }),
    });
    // The CRDs and the webhook must be there; the role (and so its inline policy) is referenced by the manifest.
    this.manifest.node.addDependency(operator.helmChart);
    operator._registerStore(this);
  }

  /**
   * Records a secret that an ExternalSecret of the namespace reads through this store (called by
   * `ExternalSecretsOperator.addChart`): synth warns when the store is not granted it.
   *
   * @internal
   */
  public _expectGrant(secret: string, reader: string): void {
    if (!this.expectedSecrets.has(secret)) this.expectedSecrets.set(secret, reader);
  }

  /**
   * A store granted nothing makes every ExternalSecret of its namespace fail; one that is not granted a secret an
   * ExternalSecret reads makes that one fail (where synth can tell: a token against a literal it cannot).
   */
  private warnOfMissingGrants(principal: InlinePolicyPrincipal): string[] {
    const grant = `user.grantReadCredentials(eso.forNamespace('${this.namespace}'))`;
    if (principal.document.isEmpty) {
      Annotations.of(this).addWarningV2('cdk-aurora-postgres:emptySecretStore',
        `The store of namespace '${this.namespace}' may read no secret, so its ExternalSecrets will be denied. Grant it what the namespace links: ${grant}.`);
      return [];
    }
    for (const [secret, reader] of this.expectedSecrets) {
      if (isSecretGranted(this, principal.statements, secret) !== false) continue;
      const shown = Token.isUnresolved(secret) ? JSON.stringify(Stack.of(this).resolve(secret)) : `'${secret}'`;
      Annotations.of(this).addWarningV2('cdk-aurora-postgres:secretNotGrantedToStore',
        `${reader} reads the secret ${shown}, but the store of namespace '${this.namespace}' is not granted it, so External Secrets will be denied. Grant it: ${grant} for that user's secret (db.grantReadCredentials(...) for the master's).`);
    }
    return [];
  }
}
