import { Annotations, Duration, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { NamespaceSecretStore } from './namespace-secret-store';
import { throwPropError } from './private/errors';
import {
  DNS_LABEL_RULE, DNS_SUBDOMAIN_RULE, FIRST_V1_CHART_VERSION, OPERATOR_IMAGE_PATH, isAtLeast, isDnsLabel, isDnsSubdomain, isQuantity,
  operatorHelmValues, parseChartVersion,
} from './private/external-secrets-parts';
import { validatePropTypes as checkPropTypes, externalSecretsOperatorTypes } from './private/runtime-checks';
import { watchStackLimits } from './private/stack-limits';
import { RefusingPrincipal, serviceAccountTrust } from './private/store-identity';

/**
 * Container resources of the operator's pods (controller, webhook and cert controller alike), as Kubernetes
 * quantities.
 */
export interface ExternalSecretsOperatorResources {
  /**
   * CPU request, e.g. `'50m'`.
   *
   * @default - none
   */
  readonly cpuRequest?: string;

  /**
   * Memory request, e.g. `'128Mi'`.
   *
   * @default - none
   */
  readonly memoryRequest?: string;

  /**
   * CPU limit.
   *
   * @default - none
   */
  readonly cpuLimit?: string;

  /**
   * Memory limit, e.g. `'256Mi'`.
   *
   * @default - none
   */
  readonly memoryLimit?: string;
}

/**
 * Options of `ExternalSecretsOperator.addChart`.
 */
export interface AddChartOptions extends eks.KubernetesManifestOptions {
  /**
   * Where the manifest is created: its stack deploys the chart. A service stack (`new DatabaseUser(serviceStack,
   * ...)`) passes itself, so the service's user, store and chart deploy and are destroyed together, after the
   * platform stack. When the chart's namespace has no store yet, one is created there too
   * (`new NamespaceSecretStore(scope, ...)`): grant it the service's secrets.
   *
   * @default - this operator (its stack)
   */
  readonly scope?: Construct;
}

/**
 * Props of `ExternalSecretsOperator`.
 */
export interface ExternalSecretsOperatorProps {
  /**
   * The EKS cluster to install the operator into.
   */
  readonly cluster: eks.ICluster;

  /**
   * The version of the `external-secrets` Helm chart (chart and operator versions are the same, without the `v`).
   *
   * At least `0.16.0`, the first release that serves `external-secrets.io/v1`, the API of the store and of
   * `PostgresLinkChart`'s ExternalSecrets.
   *
   * @default ExternalSecretsOperator.DEFAULT_CHART_VERSION
   */
  readonly chartVersion?: string;

  /**
   * The namespace of the operator; the Helm release creates it when it does not exist.
   *
   * @default 'external-secrets'
   */
  readonly namespace?: string;

  /**
   * How the operator gets its AWS identity.
   *
   * `IdentityType.POD_IDENTITY` (EKS Pod Identity) installs the `eks-pod-identity-agent` add-on on an
   * `eks.Cluster` and associates the role with the operator's ServiceAccount; it is not available on Fargate.
   * `IdentityType.IRSA` (IAM roles for service accounts) creates the cluster's OpenID Connect provider, annotates
   * the ServiceAccount with the role, and the store authenticates with that ServiceAccount's token.
   *
   * @default eks.IdentityType.POD_IDENTITY
   */
  readonly identityType?: eks.IdentityType;

  /**
   * The name of each namespace's SecretStore, and of its ServiceAccount (PostgresLinkChart's `secretStoreName`).
   *
   * @default 'aws-secrets-manager'
   */
  readonly storeName?: string;

  /**
   * The region of the secrets the stores read.
   *
   * @default - the stack's region
   */
  readonly region?: string;

  /**
   * Replicas of the controller and of the webhook; above 1 the controllers elect a leader (one reconciles, the
   * others stand by) and each gets a PodDisruptionBudget unless `podDisruptionBudget` is false.
   *
   * @default 1
   */
  readonly replicas?: number;

  /**
   * A PodDisruptionBudget (`minAvailable: 1`) for the controller and for the webhook. Needs `replicas` of 2 or more:
   * with one replica it would block every node drain.
   *
   * @default - true when replicas is 2 or more
   */
  readonly podDisruptionBudget?: boolean;

  /**
   * Container resources of the operator's pods.
   *
   * @default - none (the chart's default)
   */
  readonly resources?: ExternalSecretsOperatorResources;

  /**
   * A private registry (a mirror of `ghcr.io`) to pull the operator's image from: the image becomes
   * `<imageRegistry>/external-secrets/external-secrets` for the controller, the webhook and the cert controller.
   * A host, optionally with a port and a path, without a scheme: e.g.
   * `'123456789012.dkr.ecr.eu-west-1.amazonaws.com/ghcr'` (an ECR pull-through cache of ghcr.io).
   *
   * @default - ghcr.io
   */
  readonly imageRegistry?: string;

  /**
   * Helm values of your own, merged over the ones this construct sets (maps key by key, anything else replaced),
   * as the chart documents them (`values.yaml` of the chart version).
   *
   * @default - none
   */
  readonly helmValues?: { [key: string]: any };
}

/**
 * External Secrets Operator in an EKS cluster, with one AWS Secrets Manager store per namespace: what an
 * ExternalSecret applied through `eks.Cluster.addCdk8sChart` (e.g. a `PostgresLinkChart`) needs in the cluster
 * first, on a cluster that several teams share.
 *
 * It installs the operator's Helm chart (CRDs included, `wait` on, so the CRDs and the webhook are ready when
 * the release is). Each namespace that links a database gets its own `NamespaceSecretStore`: a SecretStore, a
 * ServiceAccount and an IAM role that trusts only that ServiceAccount and reads only what is granted to it:
 * `user.grantReadCredentials(eso.forNamespace('orders'))`. The controller's own identity (`role`) reads no
 * secret, and refuses grants: any namespace editor could create a SecretStore that uses it.
 *
 * Add charts with `eso.addChart(id, chart)` (a chart's ExternalSecrets get their namespace's store), or make a
 * manifest you added yourself wait for it with `manifest.node.addDependency(eso)` (in the same stack: a manifest
 * of the cluster's stack cannot wait for an operator in another stack that refers to the cluster). One operator
 * per cluster.
 */
export class ExternalSecretsOperator extends Construct implements iam.IGrantable {
  /** The Helm chart version installed unless `chartVersion` says otherwise (External Secrets Operator v2.9.0). */
  public static readonly DEFAULT_CHART_VERSION = '2.9.0';

  /** The Helm repository of the operator's chart. */
  public static readonly CHART_REPOSITORY = 'https://charts.external-secrets.io';

  /**
   * Refuses every grant, with an error that names the fix (grant `forNamespace(namespace)` instead): the
   * controller's own identity must read no secret, because a namespace editor can create a SecretStore that uses
   * it. (Grant `role` directly only what every namespace may read.)
   */
  public readonly grantPrincipal: iam.IPrincipal;

  /**
   * The controller's own IAM role (EKS Pod Identity or IRSA). This construct grants it nothing: whatever it may
   * read, every namespace can read through a SecretStore of its own.
   */
  public readonly role: iam.IRole;

  /** The cluster the operator runs in. */
  public readonly cluster: eks.ICluster;

  /** The region of the secrets the stores read. */
  public readonly region: string;

  /** The operator's namespace. */
  public readonly namespace: string;

  /** The operator's ServiceAccount (created by the Helm chart). */
  public readonly serviceAccountName: string;

  /** The name of each namespace's SecretStore (and ServiceAccount). */
  public readonly storeName: string;

  /** The installed Helm chart version. */
  public readonly chartVersion: string;

  /** The Helm release of the operator. */
  public readonly helmChart: eks.HelmChart;

  private charts?: Construct;
  private namespaceScope?: Construct;
  private readonly stores = new Map<string, NamespaceSecretStore>();
  /** The chart manifests (added with addChart) that render each Namespace. */
  private readonly namespaceManifests = new Map<string, eks.KubernetesManifest[]>();

  constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps) {
    super(scope, id);
    checkPropTypes(this, props, externalSecretsOperatorTypes());
    this.cluster = props.cluster;
    claimCluster(this, props.cluster);
    this.region = props.region ?? Stack.of(this).region;
    this.chartVersion = this.validChartVersion(props.chartVersion ?? ExternalSecretsOperator.DEFAULT_CHART_VERSION);
    this.namespace = props.namespace ?? 'external-secrets';
    if (!Token.isUnresolved(this.namespace) && !isDnsLabel(this.namespace)) {
      throwPropError(this, { prop: 'namespace', value: this.namespace, allowed: DNS_LABEL_RULE, fix: "use e.g. 'external-secrets' (the default)" });
    }
    this.storeName = props.storeName ?? 'aws-secrets-manager';
    if (!Token.isUnresolved(this.storeName) && !isDnsSubdomain(this.storeName)) {
      throwPropError(this, {
        prop: 'storeName',
        value: this.storeName,
        allowed: DNS_SUBDOMAIN_RULE,
        fix: "use e.g. 'aws-secrets-manager' (the default, and PostgresLinkChart's default secretStoreName)",
      });
    }
    this.serviceAccountName = 'external-secrets';
    const identityType = props.identityType ?? eks.IdentityType.POD_IDENTITY;
    if (identityType === eks.IdentityType.POD_IDENTITY && props.cluster instanceof eks.FargateCluster) {
      throwPropError(this, {
        prop: 'identityType',
        value: identityType,
        allowed: 'IdentityType.IRSA on a Fargate cluster (EKS Pod Identity does not run on Fargate)',
        fix: 'set identityType: eks.IdentityType.IRSA',
      });
    }

    const irsa = identityType === eks.IdentityType.IRSA;
    const role = new iam.Role(this, 'Role', {
      assumedBy: irsa
        ? serviceAccountTrust(this, 'IrsaConditions', props.cluster, this.namespace, this.serviceAccountName)
        : new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      description: `External Secrets Operator (${this.namespace}/${this.serviceAccountName}) in EKS cluster ${props.cluster.node.path}: reads no secret`,
    });
    this.role = role;
    this.grantPrincipal = new RefusingPrincipal(role, () => throwPropError(this, {
      prop: 'grantee',
      value: 'the ExternalSecretsOperator (the controller\'s own identity)',
      allowed: 'the store of the namespace that links the secret: the controller\'s own identity reads no secret, since anyone who may edit a namespace can create a SecretStore that uses it and read whatever it may read',
      fix: "grant the namespace instead: user.grantReadCredentials(eso.forNamespace('orders')) (db.grantReadCredentials(eso.forNamespace(...)) for the master's secret); PostgresLinkChart's default store (the SecretStore 'aws-secrets-manager' of its namespace) is that namespace's",
    }));
    const helmValues = this.helmValues(props, irsa ? role.roleArn : undefined);

    this.helmChart = new eks.HelmChart(this, 'HelmChart', {
      cluster: props.cluster,
      repository: ExternalSecretsOperator.CHART_REPOSITORY,
      chart: 'external-secrets',
      version: this.chartVersion,
      release: 'external-secrets',
      namespace: this.namespace,
      createNamespace: true,
      // Helm returns once the CRDs exist and the deployments (the validating webhook among them) are ready, so
      // the store, applied next, is accepted. Image pulls on new nodes take a while: more than the default 5 min.
      wait: true,
      timeout: Duration.minutes(10),
      values: helmValues,
    });
    // The operator's pod must start with its identity in place (both are injected at pod creation) and its
    // permissions granted (the role's policies are children of the role).
    this.helmChart.node.addDependency(role);
    if (!irsa) {
      const association = new eks.CfnPodIdentityAssociation(this, 'PodIdentityAssociation', {
        clusterName: props.cluster.clusterName,
        namespace: this.namespace,
        serviceAccount: this.serviceAccountName,
        roleArn: role.roleArn,
      });
      this.helmChart.node.addDependency(association);
      // On an eks.Cluster this adds the eks-pod-identity-agent add-on (once); an imported cluster must have it.
      const agent = props.cluster.eksPodIdentityAgent;
      if (agent) this.helmChart.node.addDependency(agent);
    }
    // `wait` only succeeds once the pods run: on nodes the same stack may still be creating.
    if (props.cluster instanceof eks.Cluster) {
      for (const capacity of [props.cluster.defaultNodegroup, props.cluster.defaultCapacity]) {
        if (capacity) this.helmChart.node.addDependency(capacity);
      }
    }
  }

  /**
   * The store of one namespace (created on first use, in this construct): grant it the secrets the namespace
   * links, e.g. `user.grantReadCredentials(eso.forNamespace('orders'))`.
   *
   * @param namespace the Kubernetes namespace (a literal DNS-1123 label)
   * @param scope where a new store is created: a service stack passes itself (`eso.forNamespace('orders', serviceStack)`),
   *   so that the grants of its users' secrets stay in its stack (default: this operator)
   */
  public forNamespace(namespace: string, scope?: Construct): NamespaceSecretStore {
    const existing = this.stores.get(namespace);
    if (existing) return existing;
    if (Token.isUnresolved(namespace) || !isDnsLabel(namespace)) {
      throwPropError(this, {
        prop: 'forNamespace(namespace)',
        value: namespace,
        allowed: `${DNS_LABEL_RULE}; a literal (the store's role trusts that namespace by name)`,
        fix: "give the service's namespace, e.g. eso.forNamespace('orders')",
      });
    }
    if (scope && Stack.of(scope) !== Stack.of(this)) {
      return new NamespaceSecretStore(scope, `${namespace}SecretStore`, { operator: this, namespace });
    }
    this.namespaceScope ??= new Construct(this, 'Namespaces');
    return new NamespaceSecretStore(this.namespaceScope, namespace, { operator: this, namespace });
  }

  /**
   * Records a namespace's store (called by `NamespaceSecretStore`).
   *
   * @internal
   */
  public _registerStore(store: NamespaceSecretStore): void {
    const existing = this.stores.get(store.namespace);
    if (existing) {
      throwPropError(store, {
        prop: 'namespace',
        value: store.namespace,
        allowed: `a namespace without a store yet: '${store.namespace}' already has one (${existing.node.path}), and two would fight over the SecretStore and ServiceAccount '${this.storeName}'`,
        fix: `grant that store (eso.forNamespace('${store.namespace}')), or create this NamespaceSecretStore before eso.forNamespace or eso.addChart ask for the namespace's store`,
      });
    }
    this.stores.set(store.namespace, store);
    for (const chart of this.namespaceManifests.get(store.namespace) ?? []) this.storeWaitsForNamespace(store, chart);
  }

  /**
   * Applies a cdk8s chart to the cluster after the operator and its store, as `eks.Cluster.addCdk8sChart` would
   * (a KubernetesManifest of `chart.toJson()`), but in this construct's stack, depending on the store and the
   * Helm release.
   *
   * Warns (`cdk-aurora-postgres:externalSecretsStore`) when an ExternalSecret of the chart reads another store
   * or uses another API version than `external-secrets.io/v1`.
   *
   * @param id the id of the manifest (unique among this operator's charts)
   * @param chart the chart, e.g. a `PostgresLinkChart` with `deployThroughEks: true`
   * @param options the manifest options (as for `addCdk8sChart`) and where the manifest goes (`scope`)
   */
  public addChart(id: string, chart: cdk8s.Chart, options: AddChartOptions = {}): eks.KubernetesManifest {
    const objects = chart.toJson();
    const { scope, ...manifestOptions } = options;
    const parent = scope ?? (this.charts ??= new Construct(this, 'Charts'));
    const manifest = new eks.KubernetesManifest(parent, id, { ...manifestOptions, cluster: this.cluster, manifest: objects });
    watchStackLimits(manifest, 'chart');
    manifest.node.addDependency(this.helmChart);
    const warn = (message: string) => Annotations.of(this).addWarningV2('cdk-aurora-postgres:externalSecretsStore', message);
    const createdNamespaces = objects.filter(o => o?.kind === 'Namespace' && o?.apiVersion === 'v1').map(o => String(o.metadata?.name));
    for (const namespace of createdNamespaces) {
      this.namespaceManifests.set(namespace, [...this.namespaceManifests.get(namespace) ?? [], manifest]);
      const store = this.stores.get(namespace);
      if (store) this.storeWaitsForNamespace(store, manifest);
    }
    for (const object of objects) {
      if (object?.kind !== 'ExternalSecret') continue;
      const name = object.metadata?.name;
      const namespace: string | undefined = object.metadata?.namespace;
      const ref = object.spec?.secretStoreRef ?? {};
      const kind = ref.kind ?? 'SecretStore';
      const what = `ExternalSecret '${name}' of chart '${chart.node.id}'`;
      if (object.apiVersion !== 'external-secrets.io/v1') {
        warn(`${what} uses ${object.apiVersion}; this operator (chart ${this.chartVersion}) serves external-secrets.io/v1.`);
      }
      if (kind === 'ClusterSecretStore') {
        warn(`${what} reads the ClusterSecretStore '${ref.name}', but this operator renders none: each namespace reads through a SecretStore '${this.storeName}' of its own (forNamespace), so that it reads only its own secrets. Drop the chart's secretStoreKind (SecretStore is the default) and secretStoreName, or create that ClusterSecretStore yourself (every namespace can then read what it reads).`);
      } else if (ref.name !== this.storeName) {
        warn(`${what} reads the SecretStore '${ref.name}', but this operator's store in each namespace is '${this.storeName}'. Set the chart's secretStoreName to '${this.storeName}', or create that store yourself.`);
      } else if (namespace === undefined || !isDnsLabel(namespace)) {
        warn(`${what} has no namespace, so no store can serve it: give the chart a namespace.`);
      } else if (!createdNamespaces.includes(namespace)) {
        const store = this.storeFor(namespace, manifest);
        // Across stacks this would make the stacks depend on each other; External Secrets retries until the store exists.
        if (Stack.of(store) === Stack.of(manifest)) manifest.node.addDependency(store.manifest);
      } else {
        this.forNamespace(namespace); // it waits for this chart, which creates the namespace
      }
    }
    return manifest;
  }

  /**
   * The namespace's store for a chart: the existing one, or a new one in the chart's stack when that is not this
   * operator's (a store in the platform stack granted a service stack's secrets would make the stacks depend on each
   * other).
   */
  private storeFor(namespace: string, manifest: eks.KubernetesManifest): NamespaceSecretStore {
    return this.forNamespace(namespace, manifest.node.scope);
  }

  /** A store waits for the chart that creates its namespace (its ExternalSecrets retry until the store exists). */
  private storeWaitsForNamespace(store: NamespaceSecretStore, chart: eks.KubernetesManifest): void {
    if (Stack.of(store) === Stack.of(chart)) store.manifest.node.addDependency(chart);
  }

  private helmValues(props: ExternalSecretsOperatorProps, irsaRoleArn: string | undefined): Record<string, any> {
    const replicas = props.replicas ?? 1;
    if (!Token.isUnresolved(replicas) && (!Number.isInteger(replicas) || replicas < 1)) {
      throwPropError(this, { prop: 'replicas', value: replicas, allowed: 'a whole number, 1 or more', fix: 'use e.g. 2 for a controller and a webhook that survive a node drain' });
    }
    const pdb = props.podDisruptionBudget ?? (!Token.isUnresolved(replicas) && replicas > 1);
    if (pdb && !Token.isUnresolved(replicas) && replicas < 2) {
      throwPropError(this, {
        prop: 'podDisruptionBudget',
        value: true,
        allowed: 'true only with replicas of 2 or more: with one replica, a budget of minAvailable 1 blocks every node drain',
        fix: 'set replicas: 2 (the budget then comes by default), or drop podDisruptionBudget',
      });
    }
    for (const [key, value] of Object.entries(props.resources ?? {})) {
      if (typeof value !== 'string' || (!Token.isUnresolved(value) && !isQuantity(value))) {
        throwPropError(this, {
          prop: `resources.${key}`, value, allowed: "a Kubernetes quantity such as '100m', '0.5', '128Mi' or '1Gi'", fix: "e.g. resources: { cpuRequest: '50m', memoryRequest: '128Mi' }",
        });
      }
    }
    const registry = props.imageRegistry;
    if (registry !== undefined && !Token.isUnresolved(registry)
      && !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*$/.test(registry)) {
      throwPropError(this, {
        prop: 'imageRegistry',
        value: registry,
        allowed: `a registry host, optionally with a port and a path, lower case, without a scheme or a trailing '/' (the image is <imageRegistry>/${OPERATOR_IMAGE_PATH})`,
        fix: "e.g. '123456789012.dkr.ecr.eu-west-1.amazonaws.com/ghcr'",
      });
    }
    return operatorHelmValues({
      serviceAccountName: this.serviceAccountName,
      irsaRoleArn,
      replicas,
      podDisruptionBudget: pdb,
      resources: props.resources,
      imageRegistry: registry,
      extraValues: props.helmValues,
    });
  }

  private validChartVersion(version: string): string {
    if (Token.isUnresolved(version)) return version;
    const parsed = parseChartVersion(version);
    if (!parsed) {
      throwPropError(this, {
        prop: 'chartVersion',
        value: version,
        allowed: "a Helm chart version MAJOR.MINOR.PATCH, without a leading 'v' (e.g. '2.9.0')",
        fix: `use e.g. '${ExternalSecretsOperator.DEFAULT_CHART_VERSION}' (the default)`,
      });
    }
    if (!isAtLeast(parsed, FIRST_V1_CHART_VERSION)) {
      throwPropError(this, {
        prop: 'chartVersion',
        value: version,
        allowed: `${FIRST_V1_CHART_VERSION.join('.')} or later (the first release that serves external-secrets.io/v1, the API of the store and of PostgresLinkChart's ExternalSecrets)`,
        fix: `use '${ExternalSecretsOperator.DEFAULT_CHART_VERSION}' (the default) or another current release`,
      });
    }
    return version;
  }
}

/** The operator of each cluster in an app (keyed by the cluster construct, and by name when it is a literal). */
const operators = new WeakMap<IConstruct, Map<string, ExternalSecretsOperator>>();

/** One operator per cluster: a second Helm release would fight the first over the CRDs and the webhooks. */
function claimCluster(operator: ExternalSecretsOperator, cluster: eks.ICluster): void {
  const claimed = operators.get(operator.node.root) ?? new Map<string, ExternalSecretsOperator>();
  operators.set(operator.node.root, claimed);
  const stack = Stack.of(cluster);
  const keys = [`construct:${cluster.node.path}`];
  if (!Token.isUnresolved(cluster.clusterName)) keys.push(`name:${stack.account}/${stack.region}/${cluster.clusterName}`);
  const first = keys.map(k => claimed.get(k)).find(o => o !== undefined);
  if (first) {
    throwPropError(operator, {
      prop: 'cluster',
      value: cluster.node.path,
      allowed: `a cluster without an External Secrets Operator: this one already has ${first.node.path}, and a second Helm release would fight it over the CRDs, the webhooks and the stores`,
      fix: 'share that operator (pass it where this one is used), and add its stores with forNamespace',
    });
  }
  for (const key of keys) claimed.set(key, operator);
}
