import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
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
 * The chart's IAM link, if any, validated (one per chart, a ServiceAccount named): what `linkContainer` needs to add
 * the refresher. A pod has one PGPASSFILE, so a chart has one IAM link.
 */
export function validateIamLink(chart: IConstruct, links: ResolvedLink[], input: IamChartInput): IamPodOptions | undefined {
  const iamLinks = links.filter(l => l.database.authentication === DatabaseAuthentication.IAM);
  if (iamLinks.length === 0) return undefined;
  if (iamLinks.length > 1) {
    throwPropError(chart, {
      code: 'CHART_IAM_LINK_TWICE',
      prop: `links[${iamLinks[1].index}].database`,
      value: 'a second IAM link',
      allowed: `one IAM link per chart: a pod has one PGPASSFILE and one token refresher, and links[${iamLinks[0].index}] already has them`,
      fix: 'give the second IAM database a chart (and workload) of its own',
    });
  }
  if (input.serviceAccountName === undefined) {
    throwPropError(chart, {
      code: 'CHART_IAM_SERVICE_ACCOUNT_MISSING',
      prop: 'serviceAccountName',
      value: undefined,
      allowed: 'a ServiceAccount name with an IAM link: EKS Pod Identity gives the pods\' role to that ServiceAccount (DatabasePodIdentity), and the chart renders it and runs linked pods as it',
      fix: "give serviceAccountName, the same as the DatabasePodIdentity's serviceAccount, e.g. 'orders-db'",
    });
  }
  const [link] = iamLinks;
  const db = link.database;
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

/** One pod with the refresher: its token volume, where its placeholder init container is, and the sidecar. */
interface LinkedPod {
  readonly object: ApiObject;
  readonly volume: kplus.Volume;
  readonly initContainerIndex: number;
  readonly sidecar: Record<string, unknown>;
  readonly podSpecOf: (manifest: any) => any;
}

/**
 * The IAM token refreshers of one chart's pods (the chart holds one; the state is per chart, not per module).
 * cdk8s-plus 27 knows no `restartPolicy` on a container (Kubernetes 1.28+) nor probes on init containers, and its
 * typed manifests drop fields they do not know, JSON patches included: `link` adds a placeholder init container,
 * and the chart's `toJson()` calls `render` on its manifests, which puts the whole sidecar in its place and the
 * ServiceAccount in the pod spec. Init containers added later start after the sidecar is up.
 */
export class IamTokenSidecars {
  private readonly pods = new Map<kplus.AbstractPod, LinkedPod>();

  constructor(private readonly options: IamPodOptions) {}

  /** Whether a pod of the chart has the refresher. */
  public get linksPods(): boolean {
    return this.pods.size > 0;
  }

  /** Adds the refresher to the container's pod (once per pod), and the token to the container. */
  public link(pod: kplus.AbstractPod, container: kplus.Container): void {
    const o = this.options;
    const linked = this.pods.get(pod) ?? this.addSidecar(pod, container);
    if (!container.mounts.some(m => m.volume === linked.volume)) container.mount(o.directory, linked.volume, { readOnly: true });
    container.env.addVariable('PGPASSFILE', kplus.EnvValue.fromValue(pgpassFile(o.directory)));
  }

  /** The chart's manifests with each linked pod's sidecar and ServiceAccount in place (the manifests are changed). */
  public render(manifests: any[]): any[] {
    for (const linked of this.pods.values()) {
      const manifest = manifests.find(m => m?.apiVersion === linked.object.apiVersion && m?.kind === linked.object.kind
        && m?.metadata?.name === linked.object.name);
      if (manifest === undefined) continue;
      const spec = linked.podSpecOf(manifest);
      spec.initContainers[linked.initContainerIndex] = linked.sidecar;
      spec.serviceAccountName = this.options.serviceAccountName;
    }
    return manifests;
  }

  private addSidecar(pod: kplus.AbstractPod, container: kplus.Container): LinkedPod {
    const o = this.options;
    const volume = kplus.Volume.fromEmptyDir(pod, 'PostgresIamToken', TOKEN_VOLUME_NAME, {
      medium: kplus.EmptyDirMedium.MEMORY,
      sizeLimit: Size.mebibytes(1),
    });
    pod.addVolume(volume);
    const initContainerIndex = pod.initContainers.length;
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
    const linked: LinkedPod = { object: ApiObject.of(pod), volume, initContainerIndex, sidecar, podSpecOf: podSpecReader(pod) };
    this.pods.set(pod, linked);
    return linked;
  }
}

/** Where the pod spec is inside a workload's manifest. */
function podSpecReader(pod: kplus.AbstractPod): (manifest: any) => any {
  if (pod instanceof kplus.Pod) return manifest => manifest.spec;
  if (pod instanceof kplus.CronJob) return manifest => manifest.spec.jobTemplate.spec.template.spec;
  return manifest => manifest.spec.template.spec;
}
