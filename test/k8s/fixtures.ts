import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../src';

export const ARN_EAST = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:OrdersDbrdsSecret-AbCdEf';
export const ARN_WEST = 'arn:aws:secretsmanager:us-west-2:123456789012:secret:OrdersDbrdsSecret-AbCdEf';
export const ARN_REPORTS = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ReportsDbrdsSecret-GhIjKl';

/** A second database in us-east-1 whose credentials are all read from its secret. */
export function reportsLink(): DatabaseLink {
  return DatabaseLink.fromValues({ host: 'reports.cluster-g7h8i9.us-east-1.rds.amazonaws.com', secretArn: ARN_REPORTS });
}

/** One module's outputs as `cdk deploy --outputs-file` writes them. */
function outputs(module: string, values: { host: string; name: string; user: string; password: string; arn: string }) {
  return {
    [`${module}DbHost`]: values.host,
    [`${module}DbPort`]: '5432',
    [`${module}DbName`]: values.name,
    [`${module}DbUser`]: values.user,
    [`${module}DbPassword`]: values.password,
    [`${module}DbSecretArn`]: values.arn,
  };
}

const WRITER = 'orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com';
const READER_WEST = 'orders.cluster-ro-d4e5f6.us-west-2.rds.amazonaws.com';
const FROM_SECRET = DatabaseLink.FROM_SECRET;
const ORIGINAL = DatabaseLink.UNKNOWN_SEE_ORIGINAL_DB;
const PRIMARY = DatabaseLink.UNKNOWN_SEE_PRIMARY_DB;

/**
 * The outputs of every variant of the CDK construct (see README "Outputs for other tools"), one stack each,
 * module `rds`, as `cdk deploy --outputs-file` writes them.
 */
export const VARIANT_OUTPUTS = {
  Standard: outputs('rds', { host: WRITER, name: 'orders', user: 'postgres', password: FROM_SECRET, arn: ARN_EAST }),
  RestoredUnknown: outputs('rds', { host: WRITER, name: ORIGINAL, user: ORIGINAL, password: ORIGINAL, arn: 'NONE' }),
  RestoredWithUsername: outputs('rds', { host: WRITER, name: ORIGINAL, user: 'orders_admin', password: FROM_SECRET, arn: ARN_EAST }),
  RestoredWithUsernameAndName: outputs('rds', { host: WRITER, name: 'orders', user: 'orders_admin', password: FROM_SECRET, arn: ARN_EAST }),
  GlobalPrimary: outputs('rds', { host: WRITER, name: 'orders', user: 'postgres', password: FROM_SECRET, arn: ARN_EAST }),
  GlobalSecondaryReplicatedSecret: outputs('rds', { host: READER_WEST, name: FROM_SECRET, user: FROM_SECRET, password: FROM_SECRET, arn: ARN_WEST }),
  GlobalSecondaryNoSecret: outputs('rds', { host: READER_WEST, name: PRIMARY, user: PRIMARY, password: PRIMARY, arn: 'NONE' }),
};

export type Variant = keyof typeof VARIANT_OUTPUTS;
export const VARIANTS = Object.keys(VARIANT_OUTPUTS) as Variant[];

/** Variants whose link reads nothing from a secret: PLAIN accepts them, EXTERNAL_SECRET renders a plain Secret. */
export const PLACEHOLDER_VARIANTS: Variant[] = ['RestoredUnknown', 'GlobalSecondaryNoSecret'];

export function variantLink(variant: Variant, module = 'rds'): DatabaseLink {
  return DatabaseLink.fromCdkOutputs(VARIANT_OUTPUTS, variant, module);
}

/** A password with every character that breaks shells, URLs, YAML, JSON and Go templates. */
export const HOSTILE_PASSWORD = 'p@ss:w/o?r#d \'x\' "y" $HOME \\ {{ .x }} }} %20 & ; | * ! ` -: €';

/** A link for a local database with a literal password (PLAIN mode). */
export function localLink(password = HOSTILE_PASSWORD): DatabaseLink {
  return DatabaseLink.fromValues({ host: '127.0.0.1', port: 5432, databaseName: 'orders', username: 'orders_app', password });
}

export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [key: string]: any }; [key: string]: any };

export function objectsOf(chart: Parameters<typeof Testing.synth>[0]): K8sObject[] {
  return Testing.synth(chart) as K8sObject[];
}

export function find(objects: K8sObject[], kind: string, name?: string): K8sObject {
  const found = objects.filter(o => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected one ${kind}${name ? ` '${name}'` : ''}, found ${found.length}: ${objects.map(o => o.kind).join(', ')}`);
  return found[0];
}

/**
 * The env of a Deployment's first container as the kubelet resolves it: `value` as is, `secretKeyRef` from
 * the Secret with that name in the manifests (`stringData` as is, `data` base64-decoded; `stringData` wins,
 * as the API server merges it over `data`). A missing Secret or key fails, as the pod would not start.
 */
export function resolveContainerEnv(objects: K8sObject[], deploymentName?: string): Record<string, string> {
  const deployment = find(objects, 'Deployment', deploymentName);
  const container = deployment.spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      env[e.name] = e.value;
    } else if (e.valueFrom?.secretKeyRef) {
      const { name, key } = e.valueFrom.secretKeyRef;
      const secret = find(objects, 'Secret', name);
      if (secret.metadata.namespace !== deployment.metadata.namespace) throw new Error(`Secret ${name} is not in the pod's namespace`);
      const value = secret.stringData?.[key] ?? (secret.data?.[key] !== undefined ? Buffer.from(secret.data[key], 'base64').toString('utf8') : undefined);
      if (value === undefined) throw new Error(`Secret ${name} has no key ${key}`);
      env[e.name] = value;
    } else {
      throw new Error(`env ${e.name}: unsupported source ${JSON.stringify(e.valueFrom)}`);
    }
  }
  return env;
}

/** A chart for one variant and mode, in a fresh cdk8s app. */
export function variantChart(variant: Variant, secretMode: LinkSecretMode): PostgresLinkChart {
  return new PostgresLinkChart(Testing.app(), 'orders-db', {
    namespace: 'orders',
    links: [{ moduleName: 'rds', database: variantLink(variant) }],
    secretMode,
  });
}

/**
 * Every option at once: several links, a rename, libpq variables, RBAC, the Namespace, labels, and a Deployment
 * linked with linkContainer (env and CA mount) that rolls on a change of the Secret.
 */
export function fullChart(secretMode: LinkSecretMode = LinkSecretMode.EXTERNAL_SECRET): PostgresLinkChart {
  const plain = secretMode === LinkSecretMode.PLAIN;
  const chart = new PostgresLinkChart(Testing.app(), 'orders-db', {
    namespace: 'orders',
    createNamespace: true,
    serviceAccountName: 'orders',
    secretName: 'orders-db-links',
    labels: { 'app.kubernetes.io/part-of': 'orders' },
    secretMode,
    links: plain
      ? [
        { moduleName: 'rds', database: localLink(), libpqVariables: true },
        { moduleName: 'legacy', database: variantLink('RestoredUnknown') },
      ]
      : [
        { moduleName: 'rds', database: variantLink('Standard'), rename: { dbUser: 'DBUSER', dbPassword: 'DBPASS', dbName: 'DBNAME', dbHost: 'DBHOST', dbUrl: 'DATABASE_URL' }, libpqVariables: true },
        { moduleName: 'reports', database: reportsLink() },
        { moduleName: 'legacy', database: variantLink('RestoredUnknown') },
      ],
  });
  const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'orders' } });
  const deployment = new kplus.Deployment(chart, 'api', {
    metadata: { name: 'orders-api' },
    serviceAccount: sa,
    containers: [{ image: 'orders:1.0.0', portNumber: 8080 }],
  });
  chart.linkContainer(deployment.containers[0]);
  chart.restartOnSecretChange(deployment);
  return chart;
}

/** Every character class the URL must carry: space % + @ : / ? # quotes, backslash, braces, non-ASCII. */
export const URL_PASSWORDS = [
  'plain', 'a b', '100%', '%20', 'a+b', 'a@b', 'a:b', 'a/b', 'a?b', 'a#b', "a'b", 'a"b', 'a\\b', '{{ .x }}', 'ä€😀', '~-._', '!$&()*,;=[]',
  HOSTILE_PASSWORD,
];

