/**
 * The IAM token refresher: a native sidecar (an init container with `restartPolicy: Always`, Kubernetes 1.29+)
 * that signs an IAM database authentication token with the pod's AWS credentials (EKS Pod Identity) every few
 * minutes and writes it as a pgpass line (`host:port:database:user:token`) to a file on an in-memory volume
 * shared with the app. libpq (psql, psycopg, Ruby pg, pgx and lib/pq through PGPASSFILE) and node-postgres read
 * that file on every new connection, so the app needs no code change and no password ever exists.
 *
 * The file is written to a temporary name with mode 0600 and renamed over the old one (a reader sees a whole
 * file, never half of one); libpq ignores a pgpass file that group or others may read, so the sidecar runs as the
 * app's user. Tokens are valid for 15 minutes and checked at login only: a refresh every 5 minutes leaves two
 * refreshes of slack. One token serves every connection until the next refresh (AWS throttles new IAM logins at
 * about 200 a second, but not logins that reuse a token).
 */

/** The file name of the pgpass file in the shared volume. */
export const PGPASS_FILE_NAME = 'pgpass';

/** How often a new token is written, by default (tokens live 15 minutes). */
export const DEFAULT_REFRESH_SECONDS = 300;

/** The official AWS CLI image (v2 reads EKS Pod Identity credentials from 2.15.0). */
export const DEFAULT_TOKEN_REFRESHER_IMAGE = 'public.ecr.aws/aws-cli/aws-cli:2.24.0';

/**
 * The refresher's shell script (POSIX sh; the AWS CLI image's entrypoint is `aws`, so the container runs
 * `sh -c`). Inputs from the environment: TOKEN_HOSTS (space separated), TOKEN_PORT, TOKEN_DATABASE, TOKEN_USER,
 * AWS_REGION, PGPASSFILE, REFRESH_SECONDS. A failed signing is retried every 10 seconds; the old file stays
 * until a new one is complete. SIGTERM ends it at once.
 */
export const TOKEN_REFRESHER_SCRIPT = `set -u
trap 'exit 0' TERM INT
umask 077
file="$PGPASSFILE"
# pgpass fields escape backslash and colon with a backslash (a token holds host:port).
esc() { printf '%s' "$1" | sed -e 's/\\\\/\\\\\\\\/g' -e 's/:/\\\\:/g'; }
while :; do
  lines='' ok=1
  for host in $TOKEN_HOSTS; do
    if token=$(aws rds generate-db-auth-token --hostname "$host" --port "$TOKEN_PORT" --username "$TOKEN_USER" --region "$AWS_REGION" --output text) && [ -n "$token" ]; then
      lines="$lines$(esc "$host"):$TOKEN_PORT:$(esc "$TOKEN_DATABASE"):$(esc "$TOKEN_USER"):$(esc "$token")
"
    else
      ok=0
    fi
  done
  if [ "$ok" = 1 ] && printf '%s' "$lines" > "$file.tmp" && chmod 600 "$file.tmp" && mv -f "$file.tmp" "$file"; then
    echo "token for $TOKEN_USER written to $file"
    wait_for="\${REFRESH_SECONDS:-${DEFAULT_REFRESH_SECONDS}}"
  else
    echo "could not write a token for $TOKEN_USER; retrying in 10 s" >&2
    wait_for=10
  fi
  sleep "$wait_for" &
  wait $!
done
`;

/** What the sidecar needs to know. */
export interface TokenRefresherOptions {
  /** The container image: it must have `sh`, `sed` and the AWS CLI v2 (2.15.0 or later for Pod Identity). */
  readonly image: string;
  /** The hosts the app connects to (the writer or proxy endpoint, and a reader host): a line each. */
  readonly hosts: string[];
  readonly port: string;
  readonly databaseName: string;
  readonly username: string;
  /** The region of the cluster (or proxy) the hosts belong to: tokens are signed for it. */
  readonly region: string;
  /** The shared volume and where the sidecar mounts it. */
  readonly volumeName: string;
  readonly directory: string;
  readonly refreshSeconds: number;
  /** The app's user and group: libpq reads a 0600 file only as its owner. @default - the pod's */
  readonly runAsUser?: number;
  readonly runAsGroup?: number;
}

/** The pgpass file's path, for the app's PGPASSFILE. */
export function pgpassFile(directory: string): string {
  return `${directory.replace(/\/+$/, '')}/${PGPASS_FILE_NAME}`;
}

/** The sidecar, as a Kubernetes Container object for `spec.initContainers`. */
export function tokenRefresherContainer(o: TokenRefresherOptions): Record<string, unknown> {
  const file = pgpassFile(o.directory);
  return {
    name: 'postgres-iam-token',
    image: o.image,
    restartPolicy: 'Always',
    command: ['/bin/sh', '-c', TOKEN_REFRESHER_SCRIPT],
    env: [
      { name: 'TOKEN_HOSTS', value: o.hosts.join(' ') },
      { name: 'TOKEN_PORT', value: o.port },
      { name: 'TOKEN_DATABASE', value: o.databaseName },
      { name: 'TOKEN_USER', value: o.username },
      { name: 'AWS_REGION', value: o.region },
      { name: 'PGPASSFILE', value: file },
      { name: 'REFRESH_SECONDS', value: String(o.refreshSeconds) },
    ],
    // The app starts once the first token is written (a native sidecar's startup probe gates the next containers).
    startupProbe: {
      exec: { command: ['/bin/sh', '-c', `test -s ${file}`] },
      periodSeconds: 1,
      failureThreshold: 120,
    },
    // Measured: aws rds generate-db-auth-token peaks at about 70 MiB resident and 0.5 s of CPU.
    resources: {
      requests: { cpu: '10m', memory: '96Mi' },
      limits: { memory: '160Mi' },
    },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      ...o.runAsUser === undefined ? {} : { runAsUser: o.runAsUser },
      ...o.runAsGroup === undefined ? {} : { runAsGroup: o.runAsGroup },
    },
    volumeMounts: [{ name: o.volumeName, mountPath: o.directory }],
  };
}

/** The shared in-memory volume (a token is a few hundred bytes a host). */
export function tokenVolume(name: string): Record<string, unknown> {
  return { name, emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } };
}
