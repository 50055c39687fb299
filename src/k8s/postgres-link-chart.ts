import { Token } from 'aws-cdk-lib';
import { ApiObject, Chart, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { DatabaseLink } from '../database-link';
import { LinkSecretMode } from './link-secret-mode';
import { PostgresLink } from './postgres-link';
import { throwPropError } from '../private/errors';
import { EXTERNAL_SECRET_API_VERSION, externalSecretSpec } from './private/external-secret';
import { goDuration } from './private/go-duration';
import { PLACEHOLDERS, ResolvedLink, resolveLinks } from './private/link-variables';
import { DNS_LABEL_RULE, DNS_SUBDOMAIN_RULE, isDnsLabel, isDnsSubdomain } from './private/names';
import { SecretStoreKind } from './secret-store-kind';

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
   * @default 'aws-secrets-manager'
   */
  readonly secretStoreName?: string;

  /**
   * The kind of that store.
   *
   * @default SecretStoreKind.CLUSTER_SECRET_STORE
   */
  readonly secretStoreKind?: SecretStoreKind;

  /**
   * How often External Secrets Operator reads the credentials again; `Duration.seconds(0)` reads them once.
   *
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;

  /**
   * A ServiceAccount in the namespace that gets a Role granting only `get` on this Secret, and a RoleBinding.
   * RBAC is additive: this does not keep out anyone who already has broader rights (cluster admins, or anyone
   * allowed to get or list Secrets in the namespace).
   *
   * @default - no Role and no RoleBinding
   */
  readonly serviceAccountName?: string;

  /**
   * Render the Namespace too.
   *
   * @default false
   */
  readonly createNamespace?: boolean;

  /**
   * Whether this chart is deployed by `eks.Cluster.addCdk8sChart` in the same CDK app. Only then may its links
   * hold CDK tokens (`AuroraPostgres.link`): CloudFormation fills them in when it applies the manifest. Such a
   * chart can only be rendered by `chart.toJson()` (what `addCdk8sChart` calls); cdk8s `App.synth()` of its
   * app fails validation, so give it a cdk8s App of its own.
   *
   * @default false - links with CDK tokens are refused
   */
  readonly deployThroughEks?: boolean;

  /**
   * Labels for every object in the chart.
   *
   * @default - none
   */
  readonly labels?: { [key: string]: string };
}

/**
 * A cdk8s chart that links Aurora PostgreSQL databases into a Kubernetes service the way Opta's `links` did:
 * one Secret in the service's namespace whose keys are the environment variable names
 * (`<moduleName>_db_user`, `_db_password`, `_db_name`, `_db_host`, `_db_port`), filled by External Secrets
 * Operator from AWS Secrets Manager (default) or inline for local development, and optionally a Role and
 * RoleBinding that let one ServiceAccount read it.
 *
 * Add the service's workloads to the chart and give them `chart.envVariables` (or `kplus.Env.fromSecret(chart.secret)`).
 */
export class PostgresLinkChart extends Chart {
  /** The default `secretStoreName`. */
  public static readonly DEFAULT_SECRET_STORE_NAME = 'aws-secrets-manager';

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
   * Whether the chart renders an ExternalSecret (false: a plain Secret, in `PLAIN` mode or when no link reads
   * a secret).
   */
  public readonly usesExternalSecret: boolean;

  private rendering = false;

  constructor(scope: Construct, id: string, props: PostgresLinkChartProps) {
    super(scope, id, { namespace: props.namespace, labels: props.labels });

    if (!isDnsLabel(props.namespace)) {
      throwPropError(this, {
        prop: 'namespace',
        value: props.namespace === undefined ? 'undefined' : props.namespace,
        allowed: DNS_LABEL_RULE,
        fix: "give the service's namespace, e.g. 'orders'",
      });
    }
    const links = resolveLinks(this, props.links);
    const mode = props.secretMode ?? LinkSecretMode.EXTERNAL_SECRET;
    if (!Object.values(LinkSecretMode).includes(mode)) {
      throwPropError(this, {
        prop: 'secretMode', value: String(mode), allowed: 'LinkSecretMode.EXTERNAL_SECRET or LinkSecretMode.PLAIN', fix: 'use one of those',
      });
    }

    this.secretName = props.secretName ?? `${id}-db-links`;
    if (!isDnsSubdomain(this.secretName)) {
      throwPropError(this, {
        prop: 'secretName',
        value: this.secretName,
        allowed: DNS_SUBDOMAIN_RULE + (props.secretName === undefined ? ` (the default is '<chart id>-db-links', and the chart id is '${id}')` : ''),
        fix: "give secretName, e.g. 'orders-db-links'",
      });
    }
    if (props.serviceAccountName !== undefined && !isDnsSubdomain(props.serviceAccountName)) {
      throwPropError(this, {
        prop: 'serviceAccountName',
        value: props.serviceAccountName,
        allowed: `the name of a ServiceAccount in namespace '${props.namespace}': ${DNS_SUBDOMAIN_RULE}`,
        fix: "give the service's ServiceAccount name, e.g. 'orders', or drop serviceAccountName",
      });
    }

    const storeName = props.secretStoreName ?? PostgresLinkChart.DEFAULT_SECRET_STORE_NAME;
    if (!isDnsSubdomain(storeName)) {
      throwPropError(this, {
        prop: 'secretStoreName', value: storeName, allowed: DNS_SUBDOMAIN_RULE, fix: "give the name of the store, e.g. 'aws-secrets-manager'",
      });
    }
    const storeKind = props.secretStoreKind ?? SecretStoreKind.CLUSTER_SECRET_STORE;
    if (!Object.values(SecretStoreKind).includes(storeKind)) {
      throwPropError(this, {
        prop: 'secretStoreKind', value: String(storeKind), allowed: "SecretStoreKind.CLUSTER_SECRET_STORE ('ClusterSecretStore') or SecretStoreKind.SECRET_STORE ('SecretStore')", fix: 'use one of those',
      });
    }
    const refreshInterval = props.refreshInterval ?? Duration.hours(1);
    const refresh = goDuration(refreshInterval);
    if (refresh === undefined) {
      throwPropError(this, {
        prop: 'refreshInterval', value: refreshInterval.toHumanString(), allowed: 'a whole number of seconds, 0 or more (0: read once)', fix: 'e.g. Duration.hours(1)',
      });
    }

    checkTokens(this, links, mode, props.deployThroughEks ?? false);
    const readsSecret = links.some(l => l.database.readsSecret);
    if (mode === LinkSecretMode.PLAIN) {
      checkPlain(this, links);
    } else {
      checkExternalSecret(this, links);
    }
    this.usesExternalSecret = mode === LinkSecretMode.EXTERNAL_SECRET && readsSecret;

    if (props.createNamespace) {
      const namespace = new ApiObject(this, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: props.namespace } });
      namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace')); // a Namespace is not namespaced
    }

    if (this.usesExternalSecret) {
      new ApiObject(this, 'ExternalSecret', {
        apiVersion: EXTERNAL_SECRET_API_VERSION,
        kind: 'ExternalSecret',
        metadata: { name: this.secretName },
        spec: externalSecretSpec({ secretName: this.secretName, storeName, storeKind, refreshInterval: refresh, links }),
      });
      this.secret = kplus.Secret.fromSecretName(this, 'Secret', this.secretName);
    } else {
      const stringData: Record<string, string> = {};
      for (const link of links) {
        for (const v of link.variables) stringData[v.envName] = v.literal!;
      }
      this.secret = new kplus.Secret(this, 'Secret', { metadata: { name: this.secretName }, type: 'Opaque', stringData });
    }

    if (props.serviceAccountName !== undefined) {
      const role = new kplus.Role(this, 'SecretReader', { metadata: { name: `${this.secretName}-reader` } });
      role.allow(['get'], this.secret);
      const binding = new kplus.RoleBinding(this, 'SecretReaderBinding', { metadata: { name: `${this.secretName}-reader` }, role });
      binding.addSubjects(kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', props.serviceAccountName, {
        namespaceName: props.namespace,
      }));
    }

    this.envVariables = {};
    for (const link of links) {
      for (const v of link.variables) {
        this.envVariables[v.envName] = kplus.EnvValue.fromSecretValue({ secret: this.secret, key: v.envName });
      }
    }

    const tokenLinks = links.filter(l => l.tokenFields.length > 0);
    if (tokenLinks.length > 0) {
      // Both cdk8s App.synth() and addCdk8sChart (chart.toJson()) validate the whole cdk8s app; only a
      // validation that runs inside this chart's own toJson() comes from addCdk8sChart (or Testing.synth).
      const message = `${this.describe()} holds CDK tokens (${describeTokens(tokenLinks)}) that only CloudFormation can fill in; `
        + 'it can only be rendered by eks.Cluster.addCdk8sChart (chart.toJson()), not by cdk8s App.synth() or by rendering another chart of its cdk8s App. '
        + 'Fix: pass the chart to eksCluster.addCdk8sChart(...) and give it a cdk8s App of its own, '
        + 'or, for a separate cdk8s pipeline, build the link with DatabaseLink.fromCdkOutputs from `cdk deploy --outputs-file`';
      this.node.addValidation({ validate: () => (this.rendering ? [] : [message]) });
    }
  }

  /**
   * Renders the chart to Kubernetes JSON objects (what `eks.Cluster.addCdk8sChart` calls).
   */
  public toJson(): any[] {
    const rendering = this.rendering;
    this.rendering = true;
    try {
      return super.toJson();
    } finally {
      this.rendering = rendering;
    }
  }

  private describe(): string {
    return `PostgresLinkChart at '${this.node.path}'`;
  }
}

function describeTokens(links: ResolvedLink[]): string {
  return links.map(l => `links[${l.index}].database: ${l.tokenFields.join(', ')}`).join('; ');
}

/** Links with CDK tokens need deployThroughEks; PLAIN never takes a token password. */
function checkTokens(scope: Chart, links: ResolvedLink[], mode: LinkSecretMode, deployThroughEks: boolean): void {
  if (mode === LinkSecretMode.PLAIN) {
    const tokenPassword = links.find(l => l.tokenFields.includes('password'));
    if (tokenPassword) {
      throwPropError(scope, {
        prop: `links[${tokenPassword.index}].database.password`,
        value: '<a CDK token>',
        allowed: 'in PLAIN mode, a literal password (DatabaseLink.fromValues); CloudFormation does not resolve {{resolve:secretsmanager:...}} inside Kubernetes manifests (aws/aws-cdk#22533), so the Secret would hold the reference, not the password',
        fix: 'use secretMode: LinkSecretMode.EXTERNAL_SECRET (the default) with a link that reads the password from its secret, e.g. AuroraPostgres.link',
      });
    }
  }
  const tokenLink = links.find(l => l.tokenFields.length > 0);
  if (tokenLink && !deployThroughEks) {
    throwPropError(scope, {
      prop: `links[${tokenLink.index}].database`,
      value: `a link with CDK tokens (${tokenLink.tokenFields.join(', ')})`,
      allowed: 'CDK tokens only in a chart deployed through eks.Cluster.addCdk8sChart in the same CDK app (deployThroughEks: true); a cdk8s app synthesized on its own would write the unresolved tokens',
      fix: 'set deployThroughEks: true and pass the chart to eksCluster.addCdk8sChart(...), or for a separate cdk8s pipeline read the link with DatabaseLink.fromCdkOutputs(outputs, stackName, moduleName) after `cdk deploy --outputs-file`',
    });
  }
}

/** PLAIN writes every value inline, so every credential must be given as a value. */
function checkPlain(scope: Chart, links: ResolvedLink[]): void {
  for (const link of links) {
    const fromSecret = link.variables.filter(v => v.secretProperty !== undefined).map(v => v.field);
    if (fromSecret.length > 0) {
      throwPropError(scope, {
        prop: `links[${link.index}].database`,
        value: `a link that reads ${fromSecret.join(', ')} from the secret ${link.database.secretArn}`,
        allowed: 'in PLAIN mode, only links that hold every credential as a literal, the password included (DatabaseLink.fromValues; for local development and tests)',
        fix: 'use secretMode: LinkSecretMode.EXTERNAL_SECRET (the default) so that External Secrets Operator reads the secret, or give the values with DatabaseLink.fromValues({ host, username, password, databaseName })',
      });
    }
  }
}

const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
const NOT_A_SECRET = [DatabaseLink.NO_SECRET, DatabaseLink.FROM_SECRET, ...PLACEHOLDERS];

/**
 * EXTERNAL_SECRET never writes a password, needs a real secret for what it reads, and reads through one store,
 * which reads one AWS region.
 */
function checkExternalSecret(scope: Chart, links: ResolvedLink[]): void {
  const regions = new Map<string, number>();
  for (const link of links) {
    const password = link.database.password;
    if (password !== undefined && !PLACEHOLDERS.includes(password)) {
      throwPropError(scope, {
        prop: `links[${link.index}].database.password`,
        value: '<a literal password, not shown>',
        allowed: `in EXTERNAL_SECRET mode, a password read from the link's secret, or a placeholder (${PLACEHOLDERS.join(', ')}); no password is written into a manifest`,
        fix: 'build the link without a password and with its secretArn (AuroraPostgres.link, DatabaseLink.fromCdkOutputs), or use secretMode: LinkSecretMode.PLAIN for local development',
      });
    }
    if (!link.database.readsSecret) continue;
    const arn = link.database.secretArn;
    if (arn !== undefined && Token.isUnresolved(arn)) continue; // a CloudFormation reference (deployThroughEks)
    if (arn === undefined || NOT_A_SECRET.includes(arn.trim()) || !(SECRET_ARN.test(arn) || SECRET_NAME.test(arn))) {
      const reads = link.variables.filter(v => v.secretProperty !== undefined).map(v => v.field);
      throwPropError(scope, {
        prop: `links[${link.index}].database.secretArn`,
        value: arn === undefined ? 'undefined' : arn,
        allowed: `the ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>) or name of the Secrets Manager secret, because ${reads.join(', ')} must be read from it`,
        fix: 'give the secret ARN (the <module>DbSecretArn output), or give the credentials as values; a database without a secret (NONE) has placeholders instead',
      });
    }
    const region = SECRET_ARN.test(arn) ? arn.split(':')[3] : undefined;
    const first = [...regions.entries()].find(([r]) => r !== region);
    if (region !== undefined && first !== undefined) {
      throwPropError(scope, {
        prop: `links[${link.index}].database.secretArn`,
        value: arn,
        allowed: `secrets of one AWS region per chart: its ExternalSecret reads through one store, and an AWS Secrets Manager store reads one region; links[${first[1]}] reads a secret in ${first[0]}, this one is in ${region}`,
        fix: `give the links of ${region} a chart of their own, with secretStoreName naming a store for ${region}`,
      });
    }
    if (region !== undefined && !regions.has(region)) regions.set(region, link.index);
  }
}
