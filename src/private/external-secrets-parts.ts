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

/** What a namespace's SecretStore and its ServiceAccount are built from. */
export interface NamespaceStoreOptions {
  readonly namespace: string;
  readonly storeName: string;
  readonly serviceAccountName: string;
  /** The ARN of the namespace's IAM role (a CDK token): the ServiceAccount's `eks.amazonaws.com/role-arn`. */
  readonly roleArn: string;
  /** The Secrets Manager region (may be a CDK token). */
  readonly region: string;
}

/**
 * The ServiceAccount and the `external-secrets.io/v1` SecretStore of one namespace. The store authenticates with
 * the ServiceAccount's token (`auth.jwt.serviceAccountRef`): the operator requests a token for it and assumes the
 * role its `eks.amazonaws.com/role-arn` annotation names, which trusts only that ServiceAccount. A namespaced
 * store never takes `serviceAccountRef.namespace` (External Secrets ignores it for a SecretStore), so a store
 * created in one namespace can only use that namespace's ServiceAccounts.
 */
export function namespaceStoreManifest(options: NamespaceStoreOptions): Array<Record<string, any>> {
  const labels = { 'app.kubernetes.io/managed-by': 'cdk-aurora-postgres' };
  return [{
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: options.serviceAccountName,
      namespace: options.namespace,
      labels,
      annotations: { 'eks.amazonaws.com/role-arn': options.roleArn },
    },
    // Nothing in the namespace needs this ServiceAccount's token mounted: External Secrets requests its own.
    automountServiceAccountToken: false,
  }, {
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name: options.storeName, namespace: options.namespace, labels },
    spec: {
      provider: {
        aws: {
          service: 'SecretsManager',
          region: options.region,
          auth: { jwt: { serviceAccountRef: { name: options.serviceAccountName } } },
        },
      },
    },
  }];
}

/** Container resources of the operator's pods (Kubernetes quantities). */
export interface OperatorResourceValues {
  readonly cpuRequest?: string;
  readonly memoryRequest?: string;
  readonly cpuLimit?: string;
  readonly memoryLimit?: string;
}

/** What the Helm values are built from. */
export interface OperatorValuesOptions {
  readonly serviceAccountName: string;
  /** The IAM role ARN for the IRSA annotation; absent with Pod Identity (AWS SDKs try IRSA's web identity first). */
  readonly irsaRoleArn?: string;
  /** Replicas of the controller and of the webhook (leader election on above 1). */
  readonly replicas?: number;
  /** A PodDisruptionBudget (minAvailable 1) for the controller and the webhook. */
  readonly podDisruptionBudget?: boolean;
  readonly resources?: OperatorResourceValues;
  /** Where the images come from instead of ghcr.io: `<registry>/external-secrets/external-secrets`. */
  readonly imageRegistry?: string;
  /** Raw values, merged last (objects merged key by key, anything else replaced). */
  readonly extraValues?: Record<string, any>;
}

/** The image the chart runs (controller, webhook and cert controller alike), below its registry. */
export const OPERATOR_IMAGE_PATH = 'external-secrets/external-secrets';

/**
 * The Helm values: the chart installs its CRDs and keeps them when the release is removed (an uninstall would
 * otherwise delete every ExternalSecret in the cluster and, through owner references, the Secrets they made),
 * and creates the operator's ServiceAccount under a fixed name; then replicas, disruption budget, resources and
 * image registry of its three deployments (controller, webhook, cert controller), then the raw values.
 */
export function operatorHelmValues(options: OperatorValuesOptions): Record<string, any> {
  const values: Record<string, any> = {
    installCRDs: true,
    crds: { annotations: { 'helm.sh/resource-policy': 'keep' } },
    serviceAccount: {
      create: true,
      name: options.serviceAccountName,
      ...(options.irsaRoleArn ? { annotations: { 'eks.amazonaws.com/role-arn': options.irsaRoleArn } } : {}),
    },
  };
  const webhook: Record<string, any> = {};
  const certController: Record<string, any> = {};
  if (options.replicas !== undefined && options.replicas !== 1) {
    values.replicaCount = options.replicas;
    values.leaderElect = true; // one active controller at a time; the others stand by
    webhook.replicaCount = options.replicas;
  }
  if (options.podDisruptionBudget) {
    values.podDisruptionBudget = { enabled: true, minAvailable: 1 };
    webhook.podDisruptionBudget = { enabled: true, minAvailable: 1 };
  }
  const resources = resourceValues(options.resources);
  if (resources) {
    values.resources = resources;
    webhook.resources = resources;
    certController.resources = resources;
  }
  if (options.imageRegistry !== undefined) {
    const image = { repository: `${options.imageRegistry}/${OPERATOR_IMAGE_PATH}` };
    values.image = image;
    webhook.image = image;
    certController.image = image;
  }
  if (Object.keys(webhook).length) values.webhook = webhook;
  if (Object.keys(certController).length) values.certController = certController;
  return options.extraValues ? mergeValues(values, options.extraValues) : values;
}

function resourceValues(r: OperatorResourceValues | undefined): Record<string, any> | undefined {
  if (!r) return undefined;
  const pick = (cpu?: string, memory?: string) => {
    const out: Record<string, string> = {};
    if (cpu !== undefined) out.cpu = cpu;
    if (memory !== undefined) out.memory = memory;
    return Object.keys(out).length ? out : undefined;
  };
  const requests = pick(r.cpuRequest, r.memoryRequest);
  const limits = pick(r.cpuLimit, r.memoryLimit);
  if (!requests && !limits) return undefined;
  return { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
}

/** Helm's own rule for `--values`: maps merge key by key, everything else (lists too) is replaced. */
export function mergeValues(base: Record<string, any>, extra: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const isMap = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
    out[key] = isMap(value) && isMap(out[key]) ? mergeValues(out[key], value) : value;
  }
  return out;
}

/** A Kubernetes resource quantity, e.g. `100m`, `0.5`, `128Mi`, `1G`. */
export function isQuantity(value: string): boolean {
  return /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/.test(value);
}
