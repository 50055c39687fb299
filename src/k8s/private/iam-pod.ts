import { ApiObject, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { pgpassFile, tokenRefresherContainer } from './token-refresher';

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
