import { Annotations, CfnJson, Duration, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cdk8s from 'cdk8s';
import { Construct } from 'constructs';
import { throwPropError } from './private/errors';
import {
  DNS_LABEL_RULE, DNS_SUBDOMAIN_RULE, FIRST_V1_CHART_VERSION, clusterSecretStoreManifest, isAtLeast, isDnsLabel, isDnsSubdomain,
  operatorHelmValues, parseChartVersion,
} from './private/external-secrets-parts';
import { checkPropTypes, externalSecretsOperatorTypes } from './private/runtime-checks';

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
   * The name of the ClusterSecretStore (PostgresLinkChart's `secretStoreName`).
   *
   * @default 'aws-secrets-manager'
   */
  readonly storeName?: string;

  /**
   * The region of the secrets the store reads.
   *
   * @default - the stack's region
   */
  readonly region?: string;
}

/**
 * External Secrets Operator in an EKS cluster, with its AWS identity and a ClusterSecretStore for AWS Secrets
 * Manager: what an ExternalSecret applied through `eks.Cluster.addCdk8sChart` (e.g. a `PostgresLinkChart`)
 * needs in the cluster first.
 *
 * It installs the operator's Helm chart (CRDs included, `wait` on, so the CRDs and the webhook are ready when
 * the release is), gives it an IAM role (grant it what it may read: `db.grantReadCredentials(eso)`), then
 * applies the `external-secrets.io/v1` ClusterSecretStore. Add charts with `eso.addChart(id, chart)`, or make a
 * manifest you added yourself wait for it with `manifest.node.addDependency(eso)` (in the same stack: a manifest
 * of the cluster's stack cannot wait for an operator in another stack that refers to the cluster).
 */
export class ExternalSecretsOperator extends Construct implements iam.IGrantable {
  /** The Helm chart version installed unless `chartVersion` says otherwise (External Secrets Operator v2.9.0). */
  public static readonly DEFAULT_CHART_VERSION = '2.9.0';

  /** The Helm repository of the operator's chart. */
  public static readonly CHART_REPOSITORY = 'https://charts.external-secrets.io';

  /** The principal the operator reads secrets as (its IAM role). */
  public readonly grantPrincipal: iam.IPrincipal;

  /** The operator's IAM role. */
  public readonly role: iam.IRole;

  /** The operator's namespace. */
  public readonly namespace: string;

  /** The operator's ServiceAccount (created by the Helm chart). */
  public readonly serviceAccountName: string;

  /** The name of the ClusterSecretStore. */
  public readonly storeName: string;

  /** The installed Helm chart version. */
  public readonly chartVersion: string;

  /** The Helm release of the operator. */
  public readonly helmChart: eks.HelmChart;

  /** The manifest that applies the ClusterSecretStore (after the Helm release). */
  public readonly secretStore: eks.KubernetesManifest;

  private readonly cluster: eks.ICluster;
  private charts?: Construct;

  constructor(scope: Construct, id: string, props: ExternalSecretsOperatorProps) {
    super(scope, id);
    checkPropTypes(this, props, externalSecretsOperatorTypes());
    this.cluster = props.cluster;
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
      assumedBy: irsa ? this.irsaPrincipal() : new iam.ServicePrincipal('pods.eks.amazonaws.com').withSessionTags(),
      description: `External Secrets Operator (${this.namespace}/${this.serviceAccountName}) in EKS cluster ${props.cluster.node.path}`,
    });
    this.role = role;
    this.grantPrincipal = role;

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
      values: operatorHelmValues({ serviceAccountName: this.serviceAccountName, irsaRoleArn: irsa ? role.roleArn : undefined }),
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

    this.secretStore = new eks.KubernetesManifest(this, 'SecretStore', {
      cluster: props.cluster,
      manifest: [clusterSecretStoreManifest({
        name: this.storeName,
        region: props.region ?? Stack.of(this).region,
        serviceAccount: irsa ? { name: this.serviceAccountName, namespace: this.namespace } : undefined,
      })],
    });
    this.secretStore.node.addDependency(this.helmChart);
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
   * @param options the manifest options (as for `addCdk8sChart`)
   */
  public addChart(id: string, chart: cdk8s.Chart, options: eks.KubernetesManifestOptions = {}): eks.KubernetesManifest {
    const objects = chart.toJson();
    this.charts ??= new Construct(this, 'Charts');
    const manifest = new eks.KubernetesManifest(this.charts, id, { ...options, cluster: this.cluster, manifest: objects });
    manifest.node.addDependency(this.secretStore, this.helmChart);
    for (const object of objects) {
      if (object?.kind !== 'ExternalSecret') continue;
      const name = object.metadata?.name;
      const ref = object.spec?.secretStoreRef ?? {};
      const kind = ref.kind ?? 'SecretStore';
      if (object.apiVersion !== 'external-secrets.io/v1') {
        Annotations.of(this).addWarningV2('cdk-aurora-postgres:externalSecretsStore',
          `ExternalSecret '${name}' of chart '${chart.node.id}' uses ${object.apiVersion}; this operator (chart ${this.chartVersion}) serves external-secrets.io/v1.`);
      }
      if (kind !== 'ClusterSecretStore' || ref.name !== this.storeName) {
        Annotations.of(this).addWarningV2('cdk-aurora-postgres:externalSecretsStore',
          `ExternalSecret '${name}' of chart '${chart.node.id}' reads the ${kind} '${ref.name}', but this operator's store is the ClusterSecretStore '${this.storeName}'. Set the chart's secretStoreName to '${this.storeName}' (and secretStoreKind to ClusterSecretStore), or create that store yourself.`);
      }
    }
    return manifest;
  }

  private irsaPrincipal(): iam.IPrincipal {
    const provider = this.cluster.openIdConnectProvider;
    const issuer = provider.openIdConnectProviderIssuer;
    // The keys hold the issuer (a token), so the condition is rendered by CloudFormation (as eks.ServiceAccount does).
    const conditions = new CfnJson(this, 'IrsaConditions', {
      value: {
        [`${issuer}:aud`]: 'sts.amazonaws.com',
        [`${issuer}:sub`]: `system:serviceaccount:${this.namespace}:${this.serviceAccountName}`,
      },
    });
    return new iam.OpenIdConnectPrincipal(provider).withConditions({ StringEquals: conditions });
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
