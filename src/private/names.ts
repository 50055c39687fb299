import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/**
 * Name rules, each defined once for both sides: Kubernetes objects, environment variables, Secrets Manager secret
 * names and module names.
 */

/** Environment variable names that shells and most frameworks accept. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** RFC 1123 label (namespaces): lower-case alphanumerics and `-`, alphanumeric at both ends, 63 at most. */
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 subdomain (Secrets, Roles, ServiceAccounts...): DNS labels joined by `.`, 253 at most. */
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

export function isDnsSubdomain(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

export function isEnvName(value: unknown): value is string {
  return typeof value === 'string' && ENV_NAME.test(value);
}

export const DNS_LABEL_RULE = 'a DNS-1123 label: lower-case letters, digits and -, starting and ending with a letter or digit, 63 characters at most';
export const DNS_SUBDOMAIN_RULE = 'a DNS-1123 subdomain: lower-case letters, digits, - and ., starting and ending with a letter or digit, 253 characters at most';
export const ENV_NAME_RULE = 'an environment variable name matching [A-Za-z_][A-Za-z0-9_]* (a letter or _, then letters, digits or _)';

/** A Secrets Manager secret name: 1 to 512 of letters, digits and `/_+=.@-`. */
export const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
export const SECRET_NAME_RULE = 'a Secrets Manager secret name: 1 to 512 of letters, digits and /_+=.@-';

export function isSecretName(value: unknown): value is string {
  return typeof value === 'string' && SECRET_NAME.test(value);
}

/** Module names become output keys (CloudFormation logical IDs) and env var prefixes: letters and digits. */
export const MODULE_NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
export const MODULE_NAME_RULE = 'a letter, then letters and digits, 63 characters at most (it prefixes CloudFormation output keys and env var names)';

/**
 * A module name (letters and digits; skipped when a token), or a `MODULE_NAME_INVALID` error naming `prop`.
 *
 * TODO(lead): the cluster helper makes one `validateModuleName` too (AuroraPostgres, fromClusterAttributes): keep one.
 */
export function validateModuleName(scope: IConstruct, prop: string, name: string,
  fix = "pass moduleName explicitly, e.g. moduleName: 'orders'", shownValue: string = name): string {
  if (!Token.isUnresolved(name) && !MODULE_NAME_PATTERN.test(name)) {
    throwPropError(scope, { code: 'MODULE_NAME_INVALID', prop, value: shownValue, allowed: MODULE_NAME_RULE, fix });
  }
  return name;
}

/** A Kubernetes object name to check, with what the error says about it. */
export interface K8sNameCheck {
  /** The rule's code for this name. */
  readonly code: string;
  /** The prop that gave (or defaulted) the name. */
  readonly prop: string;
  /** The name. A CDK token is not checked. */
  readonly name: string;
  /** How to fix a bad name. */
  readonly fix: string;
  /** Said after the rule, e.g. how the default was made. */
  readonly note?: string;
}

/** The rule of namespaces: a DNS-1123 label. Returns the name. */
export function validateDnsLabel(scope: IConstruct, c: K8sNameCheck): string {
  if (!Token.isUnresolved(c.name) && !isDnsLabel(c.name)) {
    throwPropError(scope, { code: c.code, prop: c.prop, value: c.name, allowed: DNS_LABEL_RULE + (c.note ?? ''), fix: c.fix });
  }
  return c.name;
}

/** The rule of Secrets, ConfigMaps, ServiceAccounts, stores: a DNS-1123 subdomain. Returns the name. */
export function validateDnsSubdomain(scope: IConstruct, c: K8sNameCheck): string {
  if (!Token.isUnresolved(c.name) && !isDnsSubdomain(c.name)) {
    throwPropError(scope, { code: c.code, prop: c.prop, value: c.name, allowed: DNS_SUBDOMAIN_RULE + (c.note ?? ''), fix: c.fix });
  }
  return c.name;
}
