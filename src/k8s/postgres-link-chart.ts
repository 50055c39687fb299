import * as cdk from 'aws-cdk-lib';
import { ApiObject, ApiObjectMetadataDefinition, App, Chart, Duration, JsonPatch, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { LinkSecretMode } from './link-secret-mode';
import { LinkWorkloadOptions } from './link-workload-options';
import { PostgresLink } from './postgres-link';
import { IamTokenSidecars } from './private/iam-pod';
import { addCaBundle, addNamespace, addPodIdentityServiceAccount, addSecret, addSecretReader, addTokenValidation, envVariablesOf } from './private/link-chart-objects';
import { LinkedContainerSpec, linkedContainerSpec, tlsEnvironment } from './private/linked-container';
import { validateLinkWorkloadOptions } from './private/prop-types';
import { DEFAULT_CA_BUNDLE_PATH, DEFAULT_CA_CONFIG_MAP_KEY, LinkChartOptions, validateLinkChartProps } from './private/validate-link-chart-props';
import { ROLLING_KINDS, reloaderAnnotationValue, workloadPatch } from './private/workload-patch';
import { SecretStoreKind } from './secret-store-kind';
import { SslMode } from './ssl-mode';
import { DEFAULT_SECRET_STORE_NAME } from '../private/defaults';
import { constructLocation, throwPropError } from '../private/errors';

/**
 * Props of `PostgresLinkChart`.
 */
export interface PostgresLinkChartProps {
  /**
   * The service's namespace: the Secret (and the ExternalSecret, Role and RoleBinding) go there, and so does
   * every object you add to the chart.
   */
  readonly namespace: string;

  /**
   * The databases the service uses, each under its own environment variable names. At least one.
   */
  readonly links: PostgresLink[];

  /**
   * How the credentials get into the Secret.
   *
   * @default LinkSecretMode.EXTERNAL_SECRET
   */
  readonly secretMode?: LinkSecretMode;

  /**
   * The name of the Kubernetes Secret that holds the values (and of the ExternalSecret that writes it).
   *
   * @default `<chart id>-db-links`
   */
  readonly secretName?: string;

  /**
   * The External Secrets Operator store that reads AWS Secrets Manager (`EXTERNAL_SECRET` mode).
   *
   * @default 'aws-secrets-manager' (the store `ExternalSecretsOperator` renders in each namespace)
   */
  readonly secretStoreName?: string;

  /**
   * The kind of that store. A SecretStore of the chart's own namespace reads only what that namespace was
   * granted (`ExternalSecretsOperator.forNamespace`); a ClusterSecretStore serves every namespace that its
   * `conditions` admit.
   *
   * @default SecretStoreKind.SECRET_STORE
   */
  readonly secretStoreKind?: SecretStoreKind;

  /**
   * How often External Secrets Operator reads the credentials again; `Duration.seconds(0)` reads them once. A
   * whole number of seconds; with a rotated link, above 0 and at most half its rotation interval.
   *
   * @default Duration.hours(1)
   */
  readonly secretRefreshInterval?: cdk.Duration;

  /**
   * How often External Secrets Operator reads the credentials again, as a cdk8s `Duration`.
   *
   * @deprecated use `secretRefreshInterval` (an aws-cdk-lib `Duration`, like the rest of this library's API)
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;

  /**
   * A ServiceAccount in the namespace that gets a Role granting only `get` on this Secret, and a RoleBinding.
   * RBAC is additive: this does not keep out anyone who already has broader rights (cluster admins, or anyone
   * allowed to get or list Secrets in the namespace). Required with an IAM link (`DatabaseAuthentication.IAM`):
   * the chart then also renders the ServiceAccount, and `linkContainer` runs the pod as it (EKS Pod Identity gives
   * the pods' role to it: use the same name as the `DatabasePodIdentity`).
   *
   * @default - no Role and no RoleBinding
   */
  readonly serviceAccountName?: string;

  /**
   * The image of the IAM token refresher that `linkContainer` adds beside the app for an IAM link (a native
   * sidecar: Kubernetes 1.29+). It needs `sh`, `sed` and the AWS CLI v2 (2.15.0 or later, for EKS Pod Identity).
   *
   * @default - the official AWS CLI image, public.ecr.aws/aws-cli/aws-cli (a pinned version)
   */
  readonly tokenRefresherImage?: string;

  /**
   * Render the Namespace too.
   *
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * Whether this chart is deployed by `eks.Cluster.addCdk8sChart` in the same CDK app. Then its links may hold
   * CDK tokens (`AuroraPostgres.link`): CloudFormation fills them in when it applies the manifest. Such a chart
   * can only be rendered by `chart.toJson()` (what `addCdk8sChart` calls); cdk8s `App.synth()` of its app fails
   * validation, so give it a cdk8s App of its own. (A chart in a cdk8s App with resolvers of its own, such as
   * `@cdk8s/awscdk-resolver`'s `AwsCdkResolver`, takes token links without this: they are resolved at synth.)
   *
   * @default false - links with CDK tokens are refused, unless the cdk8s App has resolvers
   */
  readonly deployThroughEks?: boolean;

  /**
   * Labels for every object in the chart.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };

  /**
   * libpq's `sslmode` for every link: in `<moduleName>_db_url` and in `PGSSLMODE`. With `VERIFY_FULL` or
   * `VERIFY_CA` the chart also provides a CA bundle (see `caConfigMapName`) that `linkContainer` mounts at
   * `caBundlePath`, and the URL names it (`sslrootcert`).
   *
   * @default SslMode.VERIFY_FULL
   */
  readonly sslMode?: SslMode;

  /**
   * A ConfigMap of yours, in the namespace, that holds the CA bundle to trust instead of the Amazon RDS CAs
   * (a private CA, a trust-manager Bundle, a local database's CA). The chart does not render it. Only with a
   * verifying `sslMode`.
   *
   * @default - the chart renders the ConfigMap `<chart id>-rds-ca` with the Amazon RDS root CAs of the links'
   * regions and the roots RDS Proxy chains to (see `caBundleRegions`)
   */
  readonly caConfigMapName?: string;

  /**
   * The key of the CA bundle in `caConfigMapName`. Only with a verifying `sslMode`.
   *
   * @default 'ca.pem'
   */
  readonly caConfigMapKey?: string;

  /**
   * The absolute path of the CA bundle file in a container that `linkContainer` links (the ConfigMap is mounted
   * read-only in its directory). Only with a verifying `sslMode`.
   *
   * @default PostgresLinkChart.DEFAULT_CA_BUNDLE_PATH ('/etc/rds-ca/ca.pem')
   */
  readonly caBundlePath?: string;
}

/**
 * A cdk8s chart that links Aurora PostgreSQL databases into a Kubernetes service the way Opta's `links` did:
 * one Secret in the service's namespace whose keys are the environment variable names
 * (`<moduleName>_db_user`, `_db_password`, `_db_name`, `_db_host`, `_db_port`, the connection URL `_db_url`, the JDBC URL `_db_jdbc_url`,
 * and optionally libpq's `PG*`), filled by External Secrets Operator from AWS Secrets Manager (default) or inline
 * for local development; a ConfigMap with the CA bundle that verifies the server (`sslMode` `VERIFY_FULL` by
 * default); and optionally a Role and RoleBinding that let one ServiceAccount read the Secret.
 *
 * Add the service's workloads to the chart and call `chart.linkContainer(container)` (cdk8s-plus-27) or
 * `chart.linkWorkload(workload)` (any cdk8s-plus version, Helm and CRD imports) for the env vars and the CA
 * bundle, or wire by hand with `chart.envVariables` (or `kplus.Env.fromSecret(chart.secret)`).
 */
export class PostgresLinkChart extends Chart {
  /** The default `secretStoreName` ('aws-secrets-manager', the store `ExternalSecretsOperator` renders). */
  public static readonly DEFAULT_SECRET_STORE_NAME: string = DEFAULT_SECRET_STORE_NAME;

  /** The default `caBundlePath` ('/etc/rds-ca/ca.pem'). */
  public static readonly DEFAULT_CA_BUNDLE_PATH: string = DEFAULT_CA_BUNDLE_PATH;

  /** The default `caConfigMapKey` ('ca.pem'), and the key of the ConfigMap the chart renders. */
  public static readonly DEFAULT_CA_CONFIG_MAP_KEY: string = DEFAULT_CA_CONFIG_MAP_KEY;

  /** The Stakater Reloader annotation that rolls a workload when one of the named Secrets changes. */
  public static readonly RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';

  /** The Stakater Reloader annotation that rolls a workload when one of the named ConfigMaps changes. */
  public static readonly RELOADER_CONFIG_MAP_ANNOTATION = 'configmap.reloader.stakater.com/reload';

  /** libpq's `sslmode` of every link. */
  public readonly sslMode: SslMode;

  /**
   * Where the CA bundle is mounted in a container that `linkContainer` links (and what the URL's `sslrootcert`
   * and `PGSSLROOTCERT` name); undefined when `sslMode` does not verify the server.
   */
  public readonly caBundlePath?: string;

  /**
   * The ConfigMap that holds the CA bundle: the one the chart renders, or `caConfigMapName`; undefined when
   * `sslMode` does not verify the server.
   */
  public readonly caConfigMapName?: string;

  /** Whether the chart renders the CA ConfigMap (with the Amazon RDS CAs). */
  public readonly rendersCaConfigMap: boolean;

  /**
   * The regions whose Amazon RDS root CAs (rsa2048, rsa4096, ecc384 G1) the rendered CA ConfigMap holds, with the
   * Amazon Trust Services roots that RDS Proxy chains to. A link's region comes from its host name, the stack of a
   * CDK token host, or its secret ARN. Undefined when the chart renders no CA ConfigMap, or when some link's
   * region is unknown at synth: then the ConfigMap holds every commercial region's roots (about 127 KiB, with a
   * warning). GovCloud, China and regions newer than the data are refused: give `caConfigMapName` there.
   */
  public readonly caBundleRegions?: string[];

  /** The name of the Kubernetes Secret that holds the values. */
  public readonly secretName: string;

  /** The Kubernetes Secret that holds the values, e.g. for `kplus.Env.fromSecret(chart.secret)`. */
  public readonly secret: kplus.ISecret;

  /**
   * Every environment variable of every link, each a `secretKeyRef` to the Secret, for a container's
   * `envVariables`.
   */
  public readonly envVariables: { [name: string]: kplus.EnvValue };

  /**
   * The TLS settings that `linkContainer` sets on every linked container, as literal values (not credentials):
   * `PGSSLMODE` (libpq, psycopg, Ruby pg, pgx, lib/pq, node-postgres), and with a verifying `sslMode`
   * `PGSSLROOTCERT` and `NODE_EXTRA_CA_CERTS` naming `caBundlePath`. For wiring by hand with `envVariables`
   * (then mount the CA ConfigMap at `caBundlePath` too).
   */
  public readonly tlsEnvVariables: { [name: string]: string };

  /**
   * Whether the chart renders an ExternalSecret (false: a plain Secret, in `PLAIN` mode or when no link reads
   * a secret).
   */
  public readonly usesExternalSecret: boolean;

  private rendering = false;
  private readonly caVolume?: kplus.Volume;
  /** What every linked container gets (env and CA mount), computed once: linkContainer and linkWorkload use it. */
  private readonly linked: LinkedContainerSpec;
  /** The IAM token refreshers of the chart's pods (an IAM link only); `toJson()` puts them in the manifests. */
  private readonly iamSidecars?: IamTokenSidecars;

  constructor(scope: Construct, id: string, props: PostgresLinkChartProps) {
    super(scope, id, { namespace: props?.namespace, labels: props?.labels });
    const options = validateLinkChartProps(this, id, props);

    this.secretName = options.secretName;
    this.sslMode = options.sslMode;
    this.caConfigMapName = options.ca?.configMapName;
    this.caBundlePath = options.ca?.bundlePath;
    this.rendersCaConfigMap = options.ca?.rendered ?? false;
    this.caBundleRegions = options.ca?.rendered ? options.ca.regions : undefined;
    this.usesExternalSecret = options.usesExternalSecret;
    this.tlsEnvVariables = tlsEnvironment(this.sslMode, this.caBundlePath);
    this.linked = linkedContainerSpec({
      secretName: this.secretName,
      secretKeys: options.links.flatMap(l => l.variables.map(v => v.envName)),
      sslMode: this.sslMode,
      ca: options.ca && { bundlePath: options.ca.bundlePath, configMapName: options.ca.configMapName, configMapKey: options.ca.configMapKey },
    });

    addPodIdentityServiceAccount(this, options);
    addNamespace(this, options);
    this.secret = addSecret(this, options);
    this.caVolume = addCaBundle(this, options, this.linked);
    addSecretReader(this, options, this.secret);
    this.envVariables = envVariablesOf(options, this.secret);
    addTokenValidation(this, options, () => this.rendering);
    this.iamSidecars = this.addIamSidecars(options);
  }

  /**
   * Renders the chart to Kubernetes JSON objects (what `eks.Cluster.addCdk8sChart`, `Testing.synth` and cdk8s
   * `App.synth()` call). With an IAM link it also puts each linked pod's token refresher (a native sidecar, which
   * cdk8s-plus 27's typed manifests cannot hold) and its ServiceAccount into the pod's manifest.
   */
  public toJson(): any[] {
    const rendering = this.rendering;
    this.rendering = true;
    try {
      const manifests = super.toJson();
      return this.iamSidecars ? this.iamSidecars.render(manifests) : manifests;
    } finally {
      this.rendering = rendering;
    }
  }

  /**
   * Links a container of a workload in this chart: every link's environment variables (each a `secretKeyRef`
   * into the chart's Secret), the TLS settings of `tlsEnvVariables` (so that libpq, pgx, lib/pq and node-postgres
   * verify the server without a code change) and, with a verifying `sslMode`, the CA bundle mounted read-only at
   * `caBundlePath`.
   * Linking a container twice changes nothing.
   *
   * @param container a container of a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod in this chart
   */
  public linkContainer(container: kplus.Container): void {
    const owner = this.node.findAll().find((c): c is kplus.AbstractPod => c instanceof kplus.AbstractPod
      && (c.containers.includes(container) || c.initContainers.includes(container)));
    if (owner === undefined) {
      throwPropError(this, {
        code: 'CHART_CONTAINER_OUTSIDE_CHART',
        prop: 'container',
        value: `container '${container?.name ?? '(unnamed)'}' (image ${container?.image})`,
        allowed: `a container of a workload in this chart (its Secret${this.caConfigMapName ? ' and CA ConfigMap are' : ' is'} in namespace '${this.namespace}' and belongs to this chart)`,
        fix: 'create the workload in this chart (new kplus.Deployment(chart, ...)), or call linkContainer on the chart that holds the workload',
      });
    }
    const existing = container.env.variables;
    const clash = this.linked.env.find(v => v.value !== undefined && existing[v.name] !== undefined && existing[v.name].value !== v.value);
    if (clash !== undefined) {
      throwPropError(this, {
        code: 'CHART_CONTAINER_TLS_ENV_TAKEN',
        prop: 'container',
        value: `container '${container.name ?? '(unnamed)'}' with ${clash.name}=${existing[clash.name].value ?? '(from a source)'}`,
        allowed: `a container that leaves ${Object.keys(this.tlsEnvVariables).join(', ')} to the chart: they make every driver verify the server (${clash.name}=${clash.value})`,
        fix: `drop ${clash.name} from the container; for a CA of your own next to the RDS roots (e.g. a corporate proxy's), give caConfigMapName a ConfigMap that holds both, or use sslMode for the mode`,
      });
    }
    for (const v of this.linked.env) {
      container.env.addVariable(v.name, v.secretKeyRef
        ? kplus.EnvValue.fromSecretValue({ secret: this.secret, key: v.secretKeyRef.key })
        : kplus.EnvValue.fromValue(v.value!));
    }
    const caBundle = this.linked.caBundle;
    if (this.caVolume && caBundle && !container.mounts.some(m => m.volume === this.caVolume)) {
      container.mount(caBundle.mount.mountPath, this.caVolume, { readOnly: caBundle.mount.readOnly });
    }
    if (this.iamSidecars) {
      this.validateIamPodInChart(owner);
      this.iamSidecars.link(owner, container);
    }
  }

  /**
   * Rolls the workload when its credentials change: Stakater Reloader's annotations on the workload, naming the
   * chart's Secret (which External Secrets Operator rewrites after a rotation) and, when the chart renders it, the
   * CA ConfigMap. Needs Reloader in the cluster. Names already in those annotations are kept.
   *
   * @param workload a Deployment, StatefulSet or DaemonSet in this chart
   */
  public restartOnSecretChange(workload: kplus.Workload): void {
    if (!(workload instanceof kplus.Workload) || Chart.of(workload) !== this) {
      throwPropError(this, {
        code: 'CHART_RELOADER_WORKLOAD_OUTSIDE_CHART',
        prop: 'workload',
        value: workload instanceof kplus.Workload ? `${workload.constructor.name} at '${workload.node.path}'` : String(workload),
        allowed: "a workload (Deployment, StatefulSet, DaemonSet) of this chart: Reloader's annotations name the chart's Secret, which exists in this chart's namespace only",
        fix: 'create the workload in this chart (new kplus.Deployment(chart, ...)), or call restartOnSecretChange on the chart that holds the workload',
      });
    }
    this.annotateForReloader(workload.metadata);
  }

  /**
   * Links a workload of any kind and any cdk8s-plus version, or a raw `ApiObject` (Helm chart or CRD imports),
   * through JSON patches on its manifest: what `linkContainer` gives (every link's variables, the TLS settings, the CA
   * bundle's volume and read-only mount) to every container of its pod, or to the named ones, and Reloader's
   * annotations (see `restartOnSecretChange`). The patch is computed from what the workload renders when this is
   * called: call it after adding the workload's containers and their own env and mounts. Linking twice changes
   * nothing.
   *
   * @param workload an `ApiObject` in this chart, or a construct whose default child is one (any cdk8s-plus
   * workload: Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod)
   * @param options which containers, where the pod spec is (custom resources), whether to annotate for Reloader
   */
  public linkWorkload(workload: IConstruct, options: LinkWorkloadOptions = {}): void {
    validateLinkWorkloadOptions(this, options);
    if (this.iamSidecars) {
      // The IAM token refresher is a native sidecar that cdk8s-plus 27's typed manifests cannot express; linkContainer
      // adds it after rendering (src/k8s/private/iam-pod.ts), which a JSON patch on any workload does not.
      throwPropError(this, {
        code: 'CHART_LINK_WORKLOAD_WITH_IAM',
        prop: 'workload',
        value: String(workload?.node?.path ?? workload),
        allowed: 'linkWorkload only for charts without an IAM link: it does not add the IAM token refresher, so the pod would have no password and no token',
        fix: 'create the workload with cdk8s-plus-27 in this chart and call linkContainer(container), or sign tokens in the app (docs/iam-authentication.md)',
      });
    }
    const apiObject = workloadObject(workload);
    if (apiObject === undefined || Chart.of(apiObject) !== this) {
      throwPropError(this, {
        code: 'CHART_WORKLOAD_OUTSIDE_CHART',
        prop: 'workload',
        value: apiObject === undefined ? String(workload?.node?.path ?? workload) : `${apiObject.kind} at '${apiObject.node.path}'`,
        allowed: `a workload (an ApiObject, or a construct whose default child is one) of this chart: its Secret${this.caConfigMapName ? ' and CA ConfigMap are' : ' is'} in namespace '${this.namespace}'`,
        fix: 'create the workload in this chart (new kplus.Deployment(chart, ...), new ApiObject(chart, ...), new Include(chart, ...)), or call linkWorkload on the chart that holds it',
      });
    }
    const patch = workloadPatch({ manifest: apiObject.toJson(), linked: this.linked, ...options }, details => throwPropError(this, details));
    apiObject.addJsonPatch(...patch.operations.map(o => (o.op === 'test' ? JsonPatch.test(o.path, o.value)
      : o.op === 'replace' ? JsonPatch.replace(o.path, o.value) : JsonPatch.add(o.path, o.value))));
    if (options.restartOnSecretChange ?? ROLLING_KINDS.includes(apiObject.kind)) this.annotateForReloader(apiObject.metadata);
  }

  /** Adds Reloader's annotations, keeping the names already in them. */
  private annotateForReloader(metadata: ApiObjectMetadataDefinition): void {
    const existing = metadata.toJson()?.annotations ?? {};
    const add = (annotation: string, name: string) => metadata.addAnnotation(annotation, reloaderAnnotationValue(existing[annotation], name));
    add(PostgresLinkChart.RELOADER_SECRET_ANNOTATION, this.secretName);
    if (this.rendersCaConfigMap) add(PostgresLinkChart.RELOADER_CONFIG_MAP_ANNOTATION, this.caConfigMapName!);
  }

  /**
   * The IAM token refreshers (an IAM link only), and the one way of rendering that would skip them: cdk8s
   * `App.synth()` with `YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE` renders each object without the chart's
   * `toJson()`, so the pods would lack their sidecar.
   */
  private addIamSidecars(options: LinkChartOptions): IamTokenSidecars | undefined {
    if (options.iam === undefined) return undefined;
    const sidecars = new IamTokenSidecars(options.iam);
    this.node.addValidation({
      validate: () => (sidecars.linksPods && !this.rendering
        && App.of(this).yamlOutputType === YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE
        ? [`[CHART_IAM_FILE_PER_RESOURCE] ${constructLocation(this)}: an IAM link's pods get their token refresher when the chart renders itself (chart.toJson()), which cdk8s App.synth() skips with YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE. Fix: use another yamlOutputType (FILE_PER_CHART, the default, or FILE_PER_RESOURCE), or deploy the chart with eks.Cluster.addCdk8sChart`]
        : []),
    });
    return sidecars;
  }

  /** A pod with the IAM token refresher is rendered by this chart's `toJson()`: it must not be in a chart of its own. */
  private validateIamPodInChart(pod: kplus.AbstractPod): void {
    if (Chart.of(pod) === this) return;
    throwPropError(this, {
      code: 'CHART_IAM_POD_IN_OTHER_CHART',
      prop: 'container',
      value: `a container of ${pod.constructor.name} at '${pod.node.path}', in chart '${Chart.of(pod).node.path}'`,
      allowed: 'with an IAM link, a container of a workload whose closest chart is this one: the token refresher is added when this chart renders its own objects, and a chart inside it renders its own',
      fix: 'create the workload in this chart itself (new kplus.Deployment(chart, ...)), not in a chart inside it',
    });
  }
}

/** The workload's ApiObject: itself, or its default child (a cdk8s-plus workload's), or undefined. */
function workloadObject(workload: IConstruct): ApiObject | undefined {
  if (typeof workload?.node?.tryFindChild !== 'function') return undefined;
  if (ApiObject.isApiObject(workload)) return workload;
  const child = workload.node.defaultChild;
  return child !== undefined && ApiObject.isApiObject(child) ? child : undefined;
}

