/**
 * The plain parts of the External Secrets Operator setup (names, versions, the store manifest, the Helm values),
 * with narrow inputs so that they never depend on the public construct.
 */

/** The first External Secrets Operator release whose CRDs serve `external-secrets.io/v1` (v1beta1 stayed served until 0.17.0). */
export const FIRST_V1_CHART_VERSION: readonly [number, number, number] = [0, 16, 0];

/** A Helm chart version the operator publishes: `MAJOR.MINOR.PATCH`, optionally a pre-release (`2.9.0`, `1.0.0-rc.1`). */
const CHART_VERSION = /^(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?$/;

/** Parses a chart version; undefined when it is not `MAJOR.MINOR.PATCH[-PRE]`. */
export function parseChartVersion(version: string): [number, number, number] | undefined {
  const match = CHART_VERSION.exec(version);
  return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : undefined;
}

/** Whether a parsed version is at least another. */
export function isAtLeast(version: readonly number[], minimum: readonly number[]): boolean {
  for (let i = 0; i < minimum.length; i++) {
    if (version[i] !== minimum[i]) return version[i] > minimum[i];
  }
  return true;
}

/** A Kubernetes namespace name: a DNS-1123 label. */
export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/** A cluster-scoped object name such as a ClusterSecretStore's: a DNS-1123 subdomain. */
export function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value);
}

export const DNS_LABEL_RULE = 'a DNS-1123 label: lower-case letters, digits and -, starting and ending with a letter or digit, 63 characters at most';
export const DNS_SUBDOMAIN_RULE = 'a DNS-1123 subdomain: lower-case letters, digits, - and ., starting and ending with a letter or digit, 253 characters at most';

/** A ServiceAccount the store authenticates as (IRSA); absent for credentials from the controller's own pod (Pod Identity). */
export interface StoreServiceAccount {
  readonly name: string;
  readonly namespace: string;
}

/** What the ClusterSecretStore is built from. */
export interface ClusterSecretStoreOptions {
  readonly name: string;
  /** The Secrets Manager region (may be a CDK token). */
  readonly region: string;
  readonly serviceAccount?: StoreServiceAccount;
}

/**
 * The `external-secrets.io/v1` ClusterSecretStore that reads AWS Secrets Manager. With a ServiceAccount, the
 * operator requests a token for it and assumes the role named by its `eks.amazonaws.com/role-arn` annotation
 * (IRSA); without one, it uses the credentials of its own pod (EKS Pod Identity).
 */
export function clusterSecretStoreManifest(options: ClusterSecretStoreOptions): Record<string, any> {
  const aws: Record<string, any> = { service: 'SecretsManager', region: options.region };
  if (options.serviceAccount) {
    aws.auth = { jwt: { serviceAccountRef: { name: options.serviceAccount.name, namespace: options.serviceAccount.namespace } } };
  }
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name: options.name },
    spec: { provider: { aws } },
  };
}

/** What the Helm values are built from. */
export interface OperatorValuesOptions {
  readonly serviceAccountName: string;
  /** The IAM role ARN for the IRSA annotation; absent with Pod Identity (AWS SDKs try IRSA's web identity first). */
  readonly irsaRoleArn?: string;
}

/**
 * The Helm values: the chart installs its CRDs and keeps them when the release is removed (an uninstall would
 * otherwise delete every ExternalSecret in the cluster and, through owner references, the Secrets they made),
 * and creates the operator's ServiceAccount under a fixed name.
 */
export function operatorHelmValues(options: OperatorValuesOptions): Record<string, any> {
  return {
    installCRDs: true,
    crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
    serviceAccount: {
      create: true,
      name: options.serviceAccountName,
      ...(options.irsaRoleArn ? { annotations: { 'eks.amazonaws.com/role-arn': options.irsaRoleArn } } : {}),
    },
  };
}
