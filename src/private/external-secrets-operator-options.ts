/**
 * Every rule of `ExternalSecretsOperatorProps`, run before the operator creates any resource: props in, validated
 * (defaulted) options out, as aws-rds's `validate-database-cluster-props.ts`.
 */
import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import { IConstruct } from 'constructs';
import type { ExternalSecretsOperatorProps, ExternalSecretsOperatorResources } from '../external-secrets-operator';
import { DEFAULT_SECRET_STORE_NAME } from './defaults';
import { throwPropError } from './errors';
import { FIRST_V1_CHART_VERSION, OPERATOR_IMAGE_PATH, isAtLeast, isQuantity, parseChartVersion } from './external-secrets-parts';
import { DNS_LABEL_RULE, isDnsLabel, validateDnsLabel, validateDnsSubdomain } from './names';
import { validateRenamedProp } from './renamed-props';
import { validatePropTypes, externalSecretsOperatorTypes } from './runtime-checks';

/** The Helm chart version installed by default (`ExternalSecretsOperator.DEFAULT_CHART_VERSION`). */
export const DEFAULT_OPERATOR_CHART_VERSION = '2.9.0';

/** The operator's namespace by default. */
const DEFAULT_OPERATOR_NAMESPACE = 'external-secrets';

/**
 * The cluster of a constructed operator, under a symbol shared by every copy of this package: the one-operator-
 * per-cluster rule finds the app's operators in the construct tree (no module-level registry).
 */
const OPERATOR_CLUSTER = Symbol.for('cdk-aurora-postgres.ExternalSecretsOperator.cluster');

/** What the operator is built from, every rule checked and every default applied. */
export interface OperatorOptions {
  readonly cluster: eks.ICluster;
  readonly region: string;
  readonly chartVersion: string;
  readonly namespace: string;
  readonly secretStoreName: string;
  /** IRSA (true) or EKS Pod Identity (false). */
  readonly irsa: boolean;
  readonly replicas: number;
  readonly podDisruptionBudget: boolean;
  readonly resources?: ExternalSecretsOperatorResources;
  readonly imageRegistry?: string;
  readonly helmValues?: { [key: string]: any };
}

/**
 * Runs every rule of the props (types, names, versions, identity, Helm options, one operator per cluster) and
 * returns the options; the operator then claims its cluster.
 */
export function validateOperatorProps(operator: IConstruct, props: ExternalSecretsOperatorProps): OperatorOptions {
  validatePropTypes(operator, props, externalSecretsOperatorTypes());
  validateOneOperatorPerCluster(operator, props.cluster);
  const chartVersion = validateChartVersion(operator, props.chartVersion ?? DEFAULT_OPERATOR_CHART_VERSION);
  const namespace = validateOperatorNamespace(operator, props.namespace ?? DEFAULT_OPERATOR_NAMESPACE);
  const secretStoreName = validateSecretStoreName(operator, props);
  const irsa = validateIdentityType(operator, props.identityType ?? eks.IdentityType.POD_IDENTITY, props.cluster) === eks.IdentityType.IRSA;
  const replicas = validateReplicas(operator, props.replicas);
  const podDisruptionBudget = validatePodDisruptionBudget(operator, props.podDisruptionBudget, replicas);
  validateResources(operator, props.resources);
  const imageRegistry = validateImageRegistry(operator, props.imageRegistry);
  Object.defineProperty(operator, OPERATOR_CLUSTER, { value: props.cluster });
  return {
    cluster: props.cluster,
    region: props.region ?? Stack.of(operator).region,
    chartVersion,
    namespace,
    secretStoreName,
    irsa,
    replicas,
    podDisruptionBudget,
    resources: props.resources,
    imageRegistry,
    helmValues: props.helmValues,
  };
}

/** EKS Pod Identity does not run on Fargate. */
function validateIdentityType(operator: IConstruct, identityType: eks.IdentityType, cluster: eks.ICluster): eks.IdentityType {
  if (identityType === eks.IdentityType.POD_IDENTITY && cluster instanceof eks.FargateCluster) {
    throwPropError(operator, {
      code: 'ESO_POD_IDENTITY_ON_FARGATE',
      prop: 'identityType',
      value: identityType,
      allowed: 'IdentityType.IRSA on a Fargate cluster (EKS Pod Identity does not run on Fargate)',
      fix: 'set identityType: eks.IdentityType.IRSA',
    });
  }
  return identityType;
}

/** One operator per cluster: a second Helm release would fight the first over the CRDs and the webhooks. */
function validateOneOperatorPerCluster(operator: IConstruct, cluster: eks.ICluster): void {
  const keys = new Set(clusterKeys(cluster));
  const first = operator.node.root.node.findAll().find(c => {
    const claimed: eks.ICluster | undefined = (c as any)[OPERATOR_CLUSTER];
    return c !== operator && claimed !== undefined && clusterKeys(claimed).some(k => keys.has(k));
  });
  if (first) {
    throwPropError(operator, {
      code: 'ESO_CLUSTER_TAKEN',
      prop: 'cluster',
      value: cluster.node.path,
      allowed: `a cluster without an External Secrets Operator: this one already has ${first.node.path}, and a second Helm release would fight it over the CRDs, the webhooks and the stores`,
      fix: 'share that operator (pass it where this one is used), and add its stores with forNamespace',
    });
  }
}

/** What names a cluster: its construct, and its account, region and name when the name is a literal. */
function clusterKeys(cluster: eks.ICluster): string[] {
  const stack = Stack.of(cluster);
  const keys = [`construct:${cluster.node.path}`];
  if (!Token.isUnresolved(cluster.clusterName)) keys.push(`name:${stack.account}/${stack.region}/${cluster.clusterName}`);
  return keys;
}

function validateChartVersion(operator: IConstruct, version: string): string {
  if (Token.isUnresolved(version)) return version;
  const parsed = parseChartVersion(version);
  if (!parsed) {
    throwPropError(operator, {
      code: 'ESO_CHART_VERSION_FORMAT',
      prop: 'chartVersion',
      value: version,
      allowed: "a Helm chart version MAJOR.MINOR.PATCH, without a leading 'v' (e.g. '2.9.0')",
      fix: `use e.g. '${DEFAULT_OPERATOR_CHART_VERSION}' (the default)`,
    });
  }
  if (!isAtLeast(parsed, FIRST_V1_CHART_VERSION)) {
    throwPropError(operator, {
      code: 'ESO_CHART_VERSION_TOO_OLD',
      prop: 'chartVersion',
      value: version,
      allowed: `${FIRST_V1_CHART_VERSION.join('.')} or later (the first release that serves external-secrets.io/v1, the API of the store and of PostgresLinkChart's ExternalSecrets)`,
      fix: `use '${DEFAULT_OPERATOR_CHART_VERSION}' (the default) or another current release`,
    });
  }
  return version;
}

function validateOperatorNamespace(operator: IConstruct, namespace: string): string {
  return validateDnsLabel(operator, { code: 'ESO_NAMESPACE_NAME', prop: 'namespace', name: namespace, fix: `use e.g. '${DEFAULT_OPERATOR_NAMESPACE}' (the default)` });
}

/** `secretStoreName`, or the deprecated `storeName` (not both), or the default; a DNS-1123 subdomain. */
function validateSecretStoreName(operator: IConstruct, props: ExternalSecretsOperatorProps): string {
  const given = validateRenamedProp(operator, {
    code: 'ESO_SECRET_STORE_NAME_TWICE', prop: 'secretStoreName', deprecatedProp: 'storeName', value: props.secretStoreName, deprecatedValue: props.storeName,
  });
  if (props.storeName !== undefined) {
    Annotations.of(operator).addDeprecation('cdk-aurora-postgres.ExternalSecretsOperatorProps#storeName',
      "use secretStoreName (the same setting, named as PostgresLinkChart's)");
  }
  const prop = props.storeName !== undefined ? 'storeName' : 'secretStoreName';
  const name = given ?? DEFAULT_SECRET_STORE_NAME;
  return validateDnsSubdomain(operator, { code: 'ESO_SECRET_STORE_NAME', prop: prop, name: name, fix: `use e.g. '${DEFAULT_SECRET_STORE_NAME}' (the default, and PostgresLinkChart's default secretStoreName)` });
}

function validateReplicas(operator: IConstruct, given: number | undefined): number {
  const replicas = given ?? 1;
  if (!Token.isUnresolved(replicas) && (!Number.isInteger(replicas) || replicas < 1)) {
    throwPropError(operator, {
      code: 'ESO_REPLICAS', prop: 'replicas', value: replicas, allowed: 'a whole number, 1 or more', fix: 'use e.g. 2 for a controller and a webhook that survive a node drain',
    });
  }
  return replicas;
}

/** A budget by default from 2 replicas on; never with one replica (it would block every node drain). */
function validatePodDisruptionBudget(operator: IConstruct, given: boolean | undefined, replicas: number): boolean {
  const pdb = given ?? (!Token.isUnresolved(replicas) && replicas > 1);
  if (pdb && !Token.isUnresolved(replicas) && replicas < 2) {
    throwPropError(operator, {
      code: 'ESO_PDB_ONE_REPLICA',
      prop: 'podDisruptionBudget',
      value: true,
      allowed: 'true only with replicas of 2 or more: with one replica, a budget of minAvailable 1 blocks every node drain',
      fix: 'set replicas: 2 (the budget then comes by default), or drop podDisruptionBudget',
    });
  }
  return pdb;
}

function validateResources(operator: IConstruct, resources: ExternalSecretsOperatorResources | undefined): void {
  for (const [key, value] of Object.entries(resources ?? {})) {
    if (typeof value !== 'string' || (!Token.isUnresolved(value) && !isQuantity(value))) {
      throwPropError(operator, {
        code: 'ESO_RESOURCE_QUANTITY',
        prop: `resources.${key}`,
        value,
        allowed: "a Kubernetes quantity such as '100m', '0.5', '128Mi' or '1Gi'",
        fix: "e.g. resources: { cpuRequest: '50m', memoryRequest: '128Mi' }",
      });
    }
  }
}

/** A registry host, optionally with a port and a path, lower case, without a scheme or a trailing '/'. */
const IMAGE_REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/;

function validateImageRegistry(operator: IConstruct, registry: string | undefined): string | undefined {
  if (registry !== undefined && !Token.isUnresolved(registry) && !IMAGE_REGISTRY.test(registry)) {
    throwPropError(operator, {
      code: 'ESO_IMAGE_REGISTRY',
      prop: 'imageRegistry',
      value: registry,
      allowed: `a registry host, optionally with a port and a path, lower case, without a scheme or a trailing '/' (the image is <imageRegistry>/${OPERATOR_IMAGE_PATH})`,
      fix: "e.g. '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ghcr'",
    });
  }
  return registry;
}

/**
 * A store's namespace: a literal DNS-1123 label (its role's trust policy names it). `prop` and `fix` say where it
 * was given (`eso.forNamespace(namespace)` or `new NamespaceSecretStore(...)`).
 */
export function validateStoreNamespace(scope: IConstruct, prop: string, namespace: string, fix: string): string {
  if (Token.isUnresolved(namespace) || !isDnsLabel(namespace)) {
    throwPropError(scope, {
      code: 'SECRET_STORE_NAMESPACE_NAME',
      prop,
      value: namespace,
      allowed: `${DNS_LABEL_RULE}; a literal (the store's role trusts that namespace by name)`,
      fix,
    });
  }
  return namespace;
}
