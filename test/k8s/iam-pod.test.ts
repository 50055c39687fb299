import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { linkIamContainer, IamPodOptions } from '../../src/k8s/private/iam-pod';
import { TOKEN_REFRESHER_SCRIPT } from '../../src/k8s/private/token-refresher';

const OPTIONS: IamPodOptions = {
  hosts: ['db.cluster-abc.eu-west-1.rds.amazonaws.com'],
  port: '5432',
  databaseName: 'orders',
  username: 'orders',
  region: 'eu-west-1',
  image: 'public.ecr.aws/aws-cli/aws-cli:2.24.0',
  refreshSeconds: 300,
  directory: '/var/run/postgres-iam',
  serviceAccountName: 'orders-db',
};

function render(build: (chart: Chart) => void): any[] {
  const chart = Testing.chart();
  build(chart);
  return Testing.synth(chart);
}

test('a Deployment: the sidecar first among init containers, restartPolicy Always, the app\'s user; PGPASSFILE and a read-only mount in the app', () => {
  const [deployment] = render((chart) => {
    const d = new kplus.Deployment(chart, 'App', { containers: [{ image: 'app', securityContext: { user: 1001, group: 1002 } }] });
    linkIamContainer(d, d.containers[0], OPTIONS);
    linkIamContainer(d, d.containers[0], OPTIONS); // twice changes nothing
    d.addInitContainer({ image: 'migrate', name: 'migrate' }); // later init containers start after the token exists
  });
  const spec = deployment.spec.template.spec;
  expect(spec.serviceAccountName).toBe('orders-db');
  expect(spec.volumes).toEqual([{ name: 'postgres-iam-token', emptyDir: { medium: 'Memory', sizeLimit: '1Mi' } }]);
  expect(spec.initContainers.map((c: any) => c.name)).toEqual(['postgres-iam-token', 'migrate']);
  const sidecar = spec.initContainers[0];
  expect(sidecar).toMatchObject({
    image: 'public.ecr.aws/aws-cli/aws-cli:2.24.0',
    restartPolicy: 'Always',
    command: ['/bin/sh', '-c', TOKEN_REFRESHER_SCRIPT],
    startupProbe: { exec: { command: ['/bin/sh', '-c', 'test -s /var/run/postgres-iam/pgpass'] } },
    securityContext: { runAsUser: 1001, runAsGroup: 1002, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    volumeMounts: [{ name: 'postgres-iam-token', mountPath: '/var/run/postgres-iam' }],
  });
  expect(Object.fromEntries(sidecar.env.map((e: any) => [e.name, e.value]))).toEqual({
    TOKEN_HOSTS: 'db.cluster-abc.eu-west-1.rds.amazonaws.com',
    TOKEN_PORT: '5432',
    TOKEN_DATABASE: 'orders',
    TOKEN_USER: 'orders',
    AWS_REGION: 'eu-west-1',
    PGPASSFILE: '/var/run/postgres-iam/pgpass',
    REFRESH_SECONDS: '300',
  });
  const [app] = spec.containers;
  expect(app.env).toEqual([{ name: 'PGPASSFILE', value: '/var/run/postgres-iam/pgpass' }]);
  expect(app.volumeMounts).toEqual([{ name: 'postgres-iam-token', mountPath: '/var/run/postgres-iam', readOnly: true }]);
  expect(JSON.stringify(deployment)).not.toMatch(/PGPASSWORD|password/i);
});

test('a Pod and a CronJob: the patch finds their pod spec', () => {
  const [pod, cron] = render((chart) => {
    const p = new kplus.Pod(chart, 'Pod', { containers: [{ image: 'app' }] });
    linkIamContainer(p, p.containers[0], OPTIONS);
    const c = new kplus.CronJob(chart, 'Cron', { schedule: Cron.hourly(), containers: [{ image: 'app' }] });
    linkIamContainer(c, c.containers[0], OPTIONS);
  });
  expect(pod.spec.initContainers[0]).toMatchObject({ name: 'postgres-iam-token', restartPolicy: 'Always' });
  expect(pod.spec.serviceAccountName).toBe('orders-db');
  const cronSpec = cron.spec.jobTemplate.spec.template.spec;
  expect(cronSpec.initContainers[0]).toMatchObject({ name: 'postgres-iam-token', restartPolicy: 'Always' });
  expect(cronSpec.serviceAccountName).toBe('orders-db');
});
