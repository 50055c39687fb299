import * as path from 'path';
import { IConstruct } from 'constructs';
import { goDuration } from './go-duration';
import { IamPodOptions, validateIamLink } from './iam-pod';
import { RefreshInterval, validateExternalSecret, validatePlain, validateRotation, validateTokens } from './link-checks';
import { ResolvedLink, resolveLinks } from './link-variables';
import { validateLinkChartPropTypes } from './prop-types';
import { linkRegions } from './rds-ca';
import { hasCustomResolvers, stackRegionOfToken } from './token-resolution';
import { DEFAULT_SECRET_STORE_NAME } from '../../private/defaults';
import { throwPropError } from '../../private/errors';
import { DNS_SUBDOMAIN_RULE, isDnsSubdomain, validateDnsLabel, validateDnsSubdomain } from '../../private/names';
import { validateRenamedProp } from '../../private/renamed-props';
import { LinkSecretMode } from '../link-secret-mode';
import type { PostgresLinkChartProps } from '../postgres-link-chart';
import { SecretStoreKind } from '../secret-store-kind';
import { SslMode } from '../ssl-mode';

// Every rule of PostgresLinkChartProps, run before the chart creates any object: props -> LinkChartOptions.

/** The default `caBundlePath`. */
export const DEFAULT_CA_BUNDLE_PATH = '/etc/rds-ca/ca.pem';

/** The default `caConfigMapKey`. */
export const DEFAULT_CA_CONFIG_MAP_KEY = 'ca.pem';

/** The default refresh interval of the ExternalSecret, in seconds (one hour). */
const DEFAULT_SECRET_REFRESH_SECONDS = 3600;

/** The modes that check the server's certificate, and so need a CA bundle. */
const VERIFYING_SSL_MODES: readonly SslMode[] = [SslMode.VERIFY_FULL, SslMode.VERIFY_CA];

/** A ConfigMap key. */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/** The CA bundle of a verifying `sslMode`: the ConfigMap (the chart's or the user's), its key and the file path. */
export interface CaOptions {
  readonly configMapName: string;
  readonly configMapKey: string;
  readonly bundlePath: string;
  /** Whether the chart renders the ConfigMap (with the Amazon RDS CAs). */
  readonly rendered: boolean;
  /** The regions whose RDS roots the rendered ConfigMap holds; undefined: every commercial region's. */
  readonly regions?: string[];
}

/** What the chart is built from: the props validated against each other, defaults applied. */
export interface LinkChartOptions {
  readonly namespace: string;
  readonly createNamespace: boolean;
  readonly mode: LinkSecretMode;
  readonly secretName: string;
  readonly serviceAccountName?: string;
  readonly sslMode: SslMode;
  /** With a verifying `sslMode` only. */
  readonly ca?: CaOptions;
  readonly links: ResolvedLink[];
  /** The chart's IAM link, if any. */
  readonly iam?: IamPodOptions;
  readonly storeName: string;
  readonly storeKind: SecretStoreKind;
  readonly refreshInterval: RefreshInterval;
  /** Whether the cdk8s App has resolvers of its own (e.g. `AwsCdkResolver`) that resolve CDK tokens at synth. */
  readonly resolvesTokens: boolean;
  /** Whether the chart renders an ExternalSecret (else a plain Secret). */
  readonly usesExternalSecret: boolean;
}

/** Validates every prop of a `PostgresLinkChart` and every rule between them, in the order a user reads them. */
export function validateLinkChartProps(chart: IConstruct, id: string, props: PostgresLinkChartProps): LinkChartOptions {
  validateLinkChartPropTypes(chart, props);
  const namespace = validateNamespace(chart, props.namespace);
  const mode = validateSecretMode(chart, props.secretMode);
  const secretName = validateSecretName(chart, id, props.secretName);
  const serviceAccountName = validateServiceAccountName(chart, props);
  const sslMode = props.sslMode ?? SslMode.VERIFY_FULL; // its type (a member of SslMode) is validated with the others'
  const ca = validateCa(chart, id, props, sslMode);
  const links = resolveLinks(chart, props.links, { sslMode, caBundlePath: ca?.bundlePath });
  const iam = validateIamLink(chart, links, { serviceAccountName, tokenRefresherImage: props.tokenRefresherImage });
  const storeName = validateStoreName(chart, props.secretStoreName);
  const storeKind = validateStoreKind(chart, props.secretStoreKind);
  const refreshInterval = validateRefreshInterval(chart, props);
  const resolvesTokens = hasCustomResolvers(chart);
  validateTokens(chart, links, mode, props.deployThroughEks ?? false, resolvesTokens);
  if (mode === LinkSecretMode.PLAIN) {
    validatePlain(chart, links);
  } else {
    validateExternalSecret(chart, links);
  }
  const usesExternalSecret = mode === LinkSecretMode.EXTERNAL_SECRET && links.some(l => l.database.readsSecret);
  if (usesExternalSecret) validateRotation(chart, links, refreshInterval);
  const regions = ca?.rendered ? linkRegions(chart, links.map(l => ({ index: l.index, ...l.database })), stackRegionOfToken) : undefined;
  return {
    namespace,
    createNamespace: props.createNamespace ?? false,
    mode,
    secretName,
    serviceAccountName,
    sslMode,
    ca: ca && { ...ca, regions },
    links,
    iam,
    storeName,
    storeKind,
    refreshInterval,
    resolvesTokens,
    usesExternalSecret,
  };
}

function validateNamespace(chart: IConstruct, namespace: string): string {
  return validateDnsLabel(chart, { code: 'CHART_NAMESPACE_INVALID', prop: 'namespace', name: namespace, fix: "give the service's namespace, e.g. 'orders'" });
}

function validateSecretMode(chart: IConstruct, secretMode: LinkSecretMode | undefined): LinkSecretMode {
  return validateEnumMember(chart, {
    code: 'CHART_SECRET_MODE_UNKNOWN',
    prop: 'secretMode',
    value: secretMode ?? LinkSecretMode.EXTERNAL_SECRET,
    members: LinkSecretMode,
    allowed: 'LinkSecretMode.EXTERNAL_SECRET or LinkSecretMode.PLAIN',
  });
}

/** An enum-like prop: one of the enum's members (JavaScript callers can pass anything). */
function validateEnumMember<T>(chart: IConstruct, c: { code: string; prop: string; value: T; members: object; allowed: string }): T {
  if (!Object.values(c.members).includes(c.value)) {
    throwPropError(chart, { code: c.code, prop: c.prop, value: String(c.value), allowed: c.allowed, fix: 'use one of those' });
  }
  return c.value;
}

function validateSecretName(chart: IConstruct, id: string, given: string | undefined): string {
  const secretName = given ?? `${id}-db-links`;
  return validateDnsSubdomain(chart, { code: 'CHART_SECRET_NAME_INVALID', prop: 'secretName', name: secretName, fix: "give secretName, e.g. 'orders-db-links'", note: (given === undefined ? ` (the default is '<chart id>-db-links', and the chart id is '${id}')` : '') });
}

function validateServiceAccountName(chart: IConstruct, props: PostgresLinkChartProps): string | undefined {
  if (props.serviceAccountName === undefined || isDnsSubdomain(props.serviceAccountName)) return props.serviceAccountName;
  throwPropError(chart, {
    code: 'CHART_SERVICE_ACCOUNT_NAME_INVALID',
    prop: 'serviceAccountName',
    value: props.serviceAccountName,
    allowed: `the name of a ServiceAccount in namespace '${props.namespace}': ${DNS_SUBDOMAIN_RULE}`,
    fix: "give the service's ServiceAccount name, e.g. 'orders', or drop serviceAccountName",
  });
}

/** The CA bundle of a verifying `sslMode` (undefined otherwise, where the CA props are refused). */
function validateCa(chart: IConstruct, id: string, props: PostgresLinkChartProps, sslMode: SslMode): CaOptions | undefined {
  const verifies = VERIFYING_SSL_MODES.includes(sslMode);
  const caProps = (['caConfigMapName', 'caConfigMapKey', 'caBundlePath'] as const).filter(p => props[p] !== undefined);
  if (!verifies && caProps.length > 0) {
    throwPropError(chart, {
      code: 'CHART_CA_WITHOUT_VERIFY',
      prop: caProps.join(', '),
      value: caProps.map(p => props[p]).join(', '),
      allowed: `a CA only with sslMode SslMode.VERIFY_FULL or SslMode.VERIFY_CA: sslMode ${sslMode} does not check the server's certificate, so the CA would be ignored (and libpq would verify against it anyway if it found one, contradicting the mode)`,
      fix: `use sslMode: SslMode.VERIFY_FULL (the default) to verify the server with that CA, or drop ${caProps.join(', ')}`,
    });
  }
  if (!verifies) return undefined;
  return {
    configMapName: validateCaConfigMapName(chart, id, props.caConfigMapName),
    configMapKey: validateCaConfigMapKey(chart, props.caConfigMapKey ?? DEFAULT_CA_CONFIG_MAP_KEY),
    bundlePath: validateCaBundlePath(chart, props.caBundlePath ?? DEFAULT_CA_BUNDLE_PATH),
    rendered: props.caConfigMapName === undefined,
  };
}

function validateCaConfigMapName(chart: IConstruct, id: string, given: string | undefined): string {
  const name = given ?? `${id}-rds-ca`;
  return validateDnsSubdomain(chart, { code: 'CHART_CA_CONFIG_MAP_NAME_INVALID', prop: 'caConfigMapName', name: name, fix: "name a ConfigMap in the service's namespace, e.g. 'orders-db-ca'", note: (given === undefined ? ` (the default is '<chart id>-rds-ca', and the chart id is '${id}')` : '') });
}

function validateCaConfigMapKey(chart: IConstruct, key: string): string {
  if (!CONFIG_MAP_KEY.test(key) || key.length > 253 || key === '.' || key === '..') {
    throwPropError(chart, {
      code: 'CHART_CA_CONFIG_MAP_KEY_INVALID',
      prop: 'caConfigMapKey',
      value: key,
      allowed: 'a ConfigMap key: letters, digits, -, _ and ., 253 characters at most, not . or ..',
      fix: "e.g. 'ca.pem' or 'ca.crt'",
    });
  }
  return key;
}

function validateCaBundlePath(chart: IConstruct, bundlePath: string): string {
  if (!path.posix.isAbsolute(bundlePath) || bundlePath.endsWith('/') || path.posix.normalize(bundlePath) !== bundlePath
    || path.posix.dirname(bundlePath) === '/') {
    throwPropError(chart, {
      code: 'CHART_CA_BUNDLE_PATH_INVALID',
      prop: 'caBundlePath',
      value: bundlePath,
      allowed: 'an absolute, normalized file path in a directory of its own below / (the ConfigMap is mounted over that directory)',
      fix: `e.g. '${DEFAULT_CA_BUNDLE_PATH}'`,
    });
  }
  return bundlePath;
}

function validateStoreName(chart: IConstruct, given: string | undefined): string {
  const storeName = given ?? DEFAULT_SECRET_STORE_NAME;
  return validateDnsSubdomain(chart, { code: 'CHART_SECRET_STORE_NAME_INVALID', prop: 'secretStoreName', name: storeName, fix: `give the name of the store, e.g. '${DEFAULT_SECRET_STORE_NAME}'` });
}

function validateStoreKind(chart: IConstruct, given: SecretStoreKind | undefined): SecretStoreKind {
  return validateEnumMember(chart, {
    code: 'CHART_SECRET_STORE_KIND_UNKNOWN',
    prop: 'secretStoreKind',
    value: given ?? SecretStoreKind.SECRET_STORE,
    members: SecretStoreKind,
    allowed: "SecretStoreKind.CLUSTER_SECRET_STORE ('ClusterSecretStore') or SecretStoreKind.SECRET_STORE ('SecretStore')",
  });
}

/** What aws-cdk-lib's and cdk8s' Durations both have. */
interface AnyDuration {
  toHumanString(): string;
  toMilliseconds(opts?: { integral?: boolean }): number;
}

/** The refresh interval: `secretRefreshInterval` (aws-cdk-lib), or the deprecated `refreshInterval` (cdk8s), not both. */
function validateRefreshInterval(chart: IConstruct, props: PostgresLinkChartProps): RefreshInterval {
  const given = validateRenamedProp<AnyDuration>(chart, {
    code: 'CHART_REFRESH_INTERVAL_TWICE',
    prop: 'secretRefreshInterval',
    deprecatedProp: 'refreshInterval',
    value: props.secretRefreshInterval,
    deprecatedValue: props.refreshInterval,
    show: d => d.toHumanString(),
  });
  const prop = props.refreshInterval !== undefined ? 'refreshInterval' : 'secretRefreshInterval';
  if (given === undefined) return { prop, seconds: DEFAULT_SECRET_REFRESH_SECONDS, text: goDuration(DEFAULT_SECRET_REFRESH_SECONDS * 1000)! };
  const unresolved = typeof (given as { isUnresolved?: () => boolean }).isUnresolved === 'function'
    && (given as unknown as { isUnresolved: () => boolean }).isUnresolved();
  const milliseconds = unresolved ? NaN : given.toMilliseconds({ integral: false });
  const text = goDuration(milliseconds);
  if (text === undefined) {
    throwPropError(chart, {
      code: 'CHART_REFRESH_INTERVAL_INVALID',
      prop,
      value: unresolved ? '<a CDK token>' : given.toHumanString(),
      allowed: 'a whole number of seconds, 0 or more (0: read once), known at synth',
      fix: 'e.g. Duration.hours(1)',
    });
  }
  return { prop, seconds: milliseconds / 1000, text };
}
