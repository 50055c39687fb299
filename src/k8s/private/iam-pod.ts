import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ResolvedLink } from './link-variables';
import { DEFAULT_REFRESH_SECONDS, DEFAULT_TOKEN_REFRESHER_IMAGE, pgpassFile, tokenRefresherContainer } from './token-refresher';
import { DatabaseAuthentication } from '../../database-authentication';
import { throwPropError } from '../../private/errors';

/**
 * Links a container to an IAM database user: the token refresher as a native sidecar of its pod (once per pod),
 * the shared in-memory volume mounted read-only in the container, `PGPASSFILE` in its env, and the pod run as
 * the ServiceAccount that EKS Pod Identity gives the role to.
 */
export interface IamPodOptions {
  /** The hosts the app connects to; the refresher writes a pgpass line for each. */
  readonly hosts: string[];
  readonly port: string;
  readonly databaseName: string;
  readonly username: string;
  readonly region: string;
  readonly image: string;
  readonly refreshSeconds: number;
  /** Where the volume is mounted (the refresher and the app both). */
  readonly directory: string;
  /** The ServiceAccount the pod runs as (the Pod Identity association's). */
  readonly serviceAccountName: string;
}

export const TOKEN_VOLUME_NAME = 'postgres-iam-token';

/** Where the token volume is mounted. */
export const TOKEN_DIRECTORY = '/var/run/postgres-iam';

/** The chart props an IAM link needs. */
export interface IamChartInput {
  readonly serviceAccountName?: string;
  readonly tokenRefresherImage?: string;
}

/**
 * The chart's IAM link, if any: checked (one per chart, a ServiceAccount named), its ServiceAccount rendered, and
 * what `linkContainer` needs to add the refresher. A pod has one PGPASSFILE, so a chart has one IAM link.
 */
export function iamPodOptions(chart: Construct, links: ResolvedLink[], input: IamChartInput): IamPodOptions | undefined {
  const iamLinks = links.filter(l => l.database.authentication === DatabaseAuthentication.IAM);
  if (iamLinks.length === 0) return undefined;
  if (iamLinks.length > 1) {
    throwPropError(chart, {
      prop: `links[${iamLinks[1].index}].database`,
      value: 'a second IAM link',
      allowed: `one IAM link per chart: a pod has one PGPASSFILE and one token refresher, and links[${iamLinks[0].index}] already has them`,
      fix: 'give the second IAM database a chart (and workload) of its own',
    });
  }
  if (input.serviceAccountName === undefined) {
    throwPropError(chart, {
      prop: 'serviceAccountName',
      value: 'undefined',
      allowed: 'a ServiceAccount name with an IAM link: EKS Pod Identity gives the pods\' role to that ServiceAccount (DatabasePodIdentity), and the chart renders it and runs linked pods as it',
      fix: "give serviceAccountName, the same as the DatabasePodIdentity's serviceAccount, e.g. 'orders-db'",
    });
  }
  const [link] = iamLinks;
  const db = link.database;
  new kplus.ServiceAccount(chart, 'PodIdentityServiceAccount', { metadata: { name: input.serviceAccountName } });
  return {
    hosts: [db.host, ...link.variables.some(v => v.field === 'readerHost') ? [db.readerHost!] : []],
    port: db.port,
    databaseName: db.databaseName!,
    username: db.username!,
    region: db.region!,
    image: input.tokenRefresherImage ?? DEFAULT_TOKEN_REFRESHER_IMAGE,
    refreshSeconds: DEFAULT_REFRESH_SECONDS,
    directory: TOKEN_DIRECTORY,
    serviceAccountName: input.serviceAccountName,
  };
}

const linked = new WeakMap<kplus.AbstractPod, kplus.Volume>();

/** The pod spec inside a workload's manifest. */
function podSpecOf(pod: kplus.AbstractPod, manifest: any): any {
  if (pod instanceof kplus.Pod) return manifest.spec;
  if (pod instanceof kplus.CronJob) return manifest.spec.jobTemplate.spec.template.spec;
  return manifest.spec.template.spec;
}

export function linkIamContainer(pod: kplus.AbstractPod, container: kplus.Container, o: IamPodOptions): void {
  let volume = linked.get(pod);
  if (!volume) {
    volume = kplus.Volume.fromEmptyDir(pod, 'PostgresIamToken', TOKEN_VOLUME_NAME, {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: Size.mebibytes(1),
    });
    pod.addVolume(volume);
    // cdk8s-plus 27 knows no restartPolicy on a container (Kubernetes 1.28+) nor probes on init containers, and
    // its typed manifest drops fields it does not know, JSON patches included: it renders a placeholder that the
    // manifest's last step replaces with the whole sidecar. Init containers added later start after it is up.
    const index = pod.initContainers.length;
    pod.addInitContainer({ name: TOKEN_VOLUME_NAME, image: o.image });
    const sidecar = tokenRefresherContainer({
      image: o.image,
      hosts: o.hosts,
      port: o.port,
      databaseName: o.databaseName,
      username: o.username,
      region: o.region,
      volumeName: TOKEN_VOLUME_NAME,
      directory: o.directory,
      refreshSeconds: o.refreshSeconds,
      // libpq reads a 0600 file only as its owner: the sidecar writes it as the app's user.
      runAsUser: container.securityContext.user,
      runAsGroup: container.securityContext.group,
    });
    const api = ApiObject.of(pod);
    const render = api.toJson.bind(api);
    api.toJson = () => {
      const manifest = render();
      const spec = podSpecOf(pod, manifest);
      spec.initContainers[index] = sidecar;
      spec.serviceAccountName = o.serviceAccountName;
      return manifest;
    };
    linked.set(pod, volume);
  }
  if (!container.mounts.some(m => m.volume === volume)) container.mount(o.directory, volume, { readOnly: true });
  container.env.addVariable('PGPASSFILE', kplus.EnvValue.fromValue(pgpassFile(o.directory)));
}
