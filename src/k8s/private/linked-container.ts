/**
 * What a linked container gets, as plain Kubernetes JSON: computed once per chart, here only, and used by
 * `linkContainer` (cdk8s-plus containers) and `linkWorkload` (JSON patches on any workload) alike.
 */
export interface LinkedContainerSpec {
  /**
   * The environment variables, in order: every link's variables (`secretKeyRef` into the chart's Secret), then the
   * TLS settings (literal values; a TLS setting replaces a link variable of the same name, e.g. `libpqVariables`'
   * `PGSSLMODE`, which holds the same value).
   */
  readonly env: LinkedEnvVar[];
  /** With a verifying `sslMode`: the CA bundle's volume and its read-only mount. */
  readonly caBundle?: LinkedCaBundle;
}

/** One environment variable: a literal `value`, or a key of the chart's Secret. */
export interface LinkedEnvVar {
  readonly name: string;
  readonly value?: string;
  readonly secretKeyRef?: { readonly name: string; readonly key: string };
}

/** The CA bundle ConfigMap as a pod volume, and where a container mounts it. */
export interface LinkedCaBundle {
  readonly volume: {
    readonly name: string;
    readonly configMap: { readonly name: string; readonly items: Array<{ readonly key: string; readonly path: string }> };
  };
  readonly mount: { readonly name: string; readonly mountPath: string; readonly readOnly: true };
}

/** The name of the CA bundle volume in a linked pod. */
export const CA_VOLUME_NAME = 'db-ca-bundle';

/** What the spec is computed from (narrow: no chart, no construct). */
export interface LinkedContainerInput {
  readonly secretName: string;
  /** Every link's variable names, in the chart's order (each a key of the Secret). */
  readonly secretKeys: readonly string[];
  readonly sslMode: string;
  /** With a verifying `sslMode`: the file, the ConfigMap and its key. */
  readonly ca?: { readonly bundlePath: string; readonly configMapName: string; readonly configMapKey: string };
}

/**
 * The TLS settings every linked container gets, whatever language reads them, none of them a credential:
 * - `PGSSLMODE`, `PGSSLROOTCERT`: libpq (psql, psycopg2/3, Ruby pg), pgx and lib/pq read them when a connection
 *   string does not say otherwise;
 * - `NODE_EXTRA_CA_CERTS`: node-postgres turns `PGSSLMODE` into `ssl: true`, which verifies against Node's CAs;
 *   Node adds this file to them at start (it adds, so other HTTPS calls keep the public roots).
 */
export function tlsEnvironment(sslMode: string, caBundlePath: string | undefined): Record<string, string> {
  return {
    PGSSLMODE: sslMode,
    ...(caBundlePath === undefined ? {} : { PGSSLROOTCERT: caBundlePath, NODE_EXTRA_CA_CERTS: caBundlePath }),
  };
}

export function linkedContainerSpec(input: LinkedContainerInput): LinkedContainerSpec {
  const tls = tlsEnvironment(input.sslMode, input.ca?.bundlePath);
  const env: LinkedEnvVar[] = [
    ...input.secretKeys.filter(k => !(k in tls)).map(key => ({ name: key, secretKeyRef: { name: input.secretName, key } })),
    ...Object.entries(tls).map(([name, value]) => ({ name, value })),
  ];
  if (input.ca === undefined) return { env };
  const slash = input.ca.bundlePath.lastIndexOf('/');
  return {
    env,
    caBundle: {
      volume: {
        name: CA_VOLUME_NAME,
        configMap: { name: input.ca.configMapName, items: [{ key: input.ca.configMapKey, path: input.ca.bundlePath.slice(slash + 1) }] },
      },
      mount: { name: CA_VOLUME_NAME, mountPath: input.ca.bundlePath.slice(0, slash), readOnly: true },
    },
  };
}
