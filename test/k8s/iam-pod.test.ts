import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { IamPodOptions, IamTokenSidecars } from '../../src/k8s/private/iam-pod';
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

/** Renders a chart whose pods `build` links, with the sidecars put in place as PostgresLinkChart.toJson() does. */
function render(build: (chart: Chart, sidecars: IamTokenSidecars) => void): any[] {
  const chart = Testing.chart();
  const sidecars = new IamTokenSidecars(OPTIONS);
  build(chart, sidecars);
  return sidecars.render(Testing.synth(chart));
}

test('a Deployment: the sidecar first among init containers, restartPolicy Always, the app\'s user; PGPASSFILE and a read-only mount in the app', () => {
  // GIVEN
  const build = (chart: Chart, sidecars: IamTokenSidecars) => {
    const d = new kplus.Deployment(chart, 'App', { containers: [{ image: 'app', securityContext: { user: 1001, group: 1002 } }] });
    sidecars.link(d, d.containers[0]);
    sidecars.link(d, d.containers[0]); // twice changes nothing
    d.addInitContainer({ image: 'migrate', name: 'migrate' }); // later init containers start after the token exists
  };

  // WHEN
  const [deployment] = render(build);

  // THEN
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
  // GIVEN
  const build = (chart: Chart, sidecars: IamTokenSidecars) => {
    const p = new kplus.Pod(chart, 'Pod', { containers: [{ image: 'app' }] });
    sidecars.link(p, p.containers[0]);
    const c = new kplus.CronJob(chart, 'Cron', { schedule: Cron.hourly(), containers: [{ image: 'app' }] });
    sidecars.link(c, c.containers[0]);
  };

  // WHEN
  const [pod, cron] = render(build);

  // THEN
  expect(pod.spec.initContainers[0]).toMatchObject({ name: 'postgres-iam-token', restartPolicy: 'Always' });
  expect(pod.spec.serviceAccountName).toBe('orders-db');
  const cronSpec = cron.spec.jobTemplate.spec.template.spec;
  expect(cronSpec.initContainers[0]).toMatchObject({ name: 'postgres-iam-token', restartPolicy: 'Always' });
  expect(cronSpec.serviceAccountName).toBe('orders-db');
});
