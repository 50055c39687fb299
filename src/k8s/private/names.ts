/**
 * Name rules of Kubernetes objects and environment variables.
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
