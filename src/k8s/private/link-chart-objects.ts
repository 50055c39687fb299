import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { EXTERNAL_SECRET_API_VERSION, externalSecretSpec } from './external-secret';
import { describeTokens } from './link-checks';
import { TokenResolver, hasToken, literalOf } from './link-variables';
import { LinkedContainerSpec } from './linked-container';
import { RDS_CA_SOURCE, mayUseProxy, rdsCaBundle } from './rds-ca';
import { resolveTokenWithApp } from './token-resolution';
import { LinkChartOptions } from './validate-link-chart-props';
import { constructLocation } from '../../private/errors';

// The objects of a PostgresLinkChart, built from its validated options (validate-link-chart-props.ts), in the order
// the chart has always created them (the order of its manifests).

/** The Namespace (`createNamespace`), not itself namespaced. */
export function addNamespace(chart: Construct, options: LinkChartOptions): void {
  if (!options.createNamespace) return;
  const namespace = new ApiObject(chart, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: options.namespace } });
  namespace.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
}

/** The ServiceAccount that an IAM link's pods run as (EKS Pod Identity gives it the role). */
export function addPodIdentityServiceAccount(chart: Construct, options: LinkChartOptions): void {
  if (options.iam === undefined) return;
  new kplus.ServiceAccount(chart, 'PodIdentityServiceAccount', { metadata: { name: options.iam.serviceAccountName } });
}

/**
 * With resolvers, tokens are resolved one by one when the chart is rendered, so that the URL is built (and its parts
 * encoded) from the deployed values; without, they stay for CloudFormation (deployThroughEks).
 */
function tokenResolver(chart: Construct, options: LinkChartOptions, object: () => ApiObject): TokenResolver | undefined {
  if (!options.resolvesTokens || !options.links.some(l => l.tokenFields.length > 0)) return undefined;
  return (token, what) => resolveTokenWithApp(object(), [], token, constructLocation(chart), what);
}

/** The Secret the service reads: written by an ExternalSecret, or a plain Secret with every value inline. */
export function addSecret(chart: Construct, options: LinkChartOptions): kplus.ISecret {
  const { secretName, links } = options;
  if (options.usesExternalSecret) {
    const spec = { secretName, storeName: options.storeName, storeKind: options.storeKind, refreshInterval: options.refreshInterval.text, links };
    const resolveToken = tokenResolver(chart, options, () => externalSecret);
    const externalSecret: ApiObject = new ApiObject(chart, 'ExternalSecret', {
      apiVersion: EXTERNAL_SECRET_API_VERSION,
      kind: 'ExternalSecret',
      metadata: { name: secretName },
      spec: resolveToken ? Lazy.any({ produce: () => externalSecretSpec({ ...spec, resolveToken }) }) : externalSecretSpec(spec),
    });
    return kplus.Secret.fromSecretName(chart, 'Secret', secretName);
  }
  const resolveToken = tokenResolver(chart, options, () => ApiObject.of(secret));
  const stringData: Record<string, string> = {};
  for (const link of links) {
    for (const v of link.variables) {
      stringData[v.envName] = resolveToken && hasToken(v) ? Lazy.any({ produce: () => literalOf(v, resolveToken) }) : literalOf(v)!;
    }
  }
  const secret = new kplus.Secret(chart, 'Secret', { metadata: { name: secretName }, type: 'Opaque', stringData });
  return secret;
}

/**
 * The CA bundle's pod volume (verifying `sslMode`s): from the ConfigMap the chart renders with the Amazon RDS roots of
 * the links' regions (every commercial region's, with a warning, when a region is not known), or from the user's.
 */
export function addCaBundle(chart: Construct, options: LinkChartOptions, linked: LinkedContainerSpec): kplus.Volume | undefined {
  const caBundle = linked.caBundle;
  if (caBundle === undefined || options.ca === undefined) return undefined;
  let configMap: kplus.IConfigMap;
  if (options.ca.rendered) {
    if (options.ca.regions === undefined) {
      const unknown = `${constructLocation(chart)}: the region of a link is not known at synth (a host that is not an RDS host name, an environment-agnostic stack), so its CA ConfigMap holds the Amazon RDS roots of every commercial region (${RDS_CA_SOURCE}). Fix: give the stack an env with its region, or link with a host name of RDS (<module>DbHost), or give caConfigMapName`;
      chart.node.addMetadata('warning', unknown);
      console.warn(`[WARNING] ${unknown}`);
    }
    configMap = new kplus.ConfigMap(chart, 'RdsCa', {
      metadata: { name: caBundle.volume.configMap.name },
      data: { [options.ca.configMapKey]: rdsCaBundle(options.ca.regions, options.links.some(l => mayUseProxy(l.database))) },
    });
  } else {
    configMap = kplus.ConfigMap.fromConfigMapName(chart, 'CaConfigMap', caBundle.volume.configMap.name);
  }
  return kplus.Volume.fromConfigMap(chart, 'CaBundle', configMap, {
    name: caBundle.volume.name,
    items: Object.fromEntries(caBundle.volume.configMap.items.map(i => [i.key, { path: i.path }])),
  });
}

/** A Role granting `get` on the Secret only, bound to `serviceAccountName`. */
export function addSecretReader(chart: Construct, options: LinkChartOptions, secret: kplus.ISecret): void {
  if (options.serviceAccountName === undefined) return;
  const role = new kplus.Role(chart, 'SecretReader', { metadata: { name: `${options.secretName}-reader` } });
  role.allow(['get'], secret);
  const binding = new kplus.RoleBinding(chart, 'SecretReaderBinding', { metadata: { name: `${options.secretName}-reader` }, role });
  binding.addSubjects(kplus.ServiceAccount.fromServiceAccountName(chart, 'ServiceAccount', options.serviceAccountName, {
    namespaceName: options.namespace,
  }));
}

/** Every link's variables, each a `secretKeyRef` into the Secret. */
export function envVariablesOf(options: LinkChartOptions, secret: kplus.ISecret): { [name: string]: kplus.EnvValue } {
  const env: { [name: string]: kplus.EnvValue } = {};
  for (const link of options.links) {
    for (const v of link.variables) {
      env[v.envName] = kplus.EnvValue.fromSecretValue({ secret, key: v.envName });
    }
  }
  return env;
}

/**
 * A chart with CDK tokens and no resolver renders only through its own `toJson()` (`eks.Cluster.addCdk8sChart`):
 * both cdk8s App.synth() and addCdk8sChart validate the whole cdk8s app, and only a validation that runs inside
 * this chart's own toJson() comes from addCdk8sChart (or Testing.synth).
 */
export function addTokenValidation(chart: Construct, options: LinkChartOptions, rendering: () => boolean): void {
  const tokenLinks = options.links.filter(l => l.tokenFields.length > 0);
  if (tokenLinks.length === 0 || options.resolvesTokens) return;
  const message = `${constructLocation(chart)} holds CDK tokens (${describeTokens(tokenLinks)}) that only CloudFormation can fill in; `
    + 'it can only be rendered by eks.Cluster.addCdk8sChart (chart.toJson()), not by cdk8s App.synth() or by rendering another chart of its cdk8s App. '
    + 'Fix: pass the chart to eksCluster.addCdk8sChart(...) and give it a cdk8s App of its own, '
    + 'or, for a separate cdk8s pipeline, build the link with DatabaseLink.fromCdkOutputs from `cdk deploy --outputs-file`';
  chart.node.addValidation({ validate: () => (rendering() ? [] : [message]) });
}
