import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Cron, Include, Testing } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { K8sObject, find, objectsOf, variantLink } from './fixtures';
import { validateObject } from './schema-validation';
import { PostgresLinkChart, PostgresLinkChartProps, SslMode } from '../../src';

function chartOf(props: Partial<PostgresLinkChartProps> = {}, app = Testing.app()) {
  return new PostgresLinkChart(app, 'orders-db', {
    namespace: 'orders',
    links: [{ moduleName: 'rds', database: variantLink('Standard') }],
    ...props,
  });
}

const SECRET = 'orders-db-db-links';
const VARIABLES = ['rds_db_user', 'rds_db_password', 'rds_db_name', 'rds_db_host', 'rds_db_port', 'rds_db_url', 'rds_db_jdbc_url'];
/** What every linked container gets with the default sslMode (VERIFY_FULL). */
const LINKED_ENV = [
  ...VARIABLES.map(name => ({ name, valueFrom: { secretKeyRef: { name: SECRET, key: name } } })),
  { name: 'PGSSLMODE', value: 'verify-full' },
  { name: 'PGSSLROOTCERT', value: '/etc/rds-ca/ca.pem' },
  { name: 'NODE_EXTRA_CA_CERTS', value: '/etc/rds-ca/ca.pem' },
];
const CA_MOUNT = { name: 'db-ca-bundle', mountPath: '/etc/rds-ca', readOnly: true };
const CA_VOLUME = { name: 'db-ca-bundle', configMap: { name: 'orders-db-rds-ca', items: [{ key: 'ca.pem', path: 'ca.pem' }] } };
const RELOADER = {
  'secret.reloader.stakater.com/reload': SECRET,
  'configmap.reloader.stakater.com/reload': 'orders-db-rds-ca',
};

/** A pod template as a Helm chart or a hand-written manifest has it. */
function podTemplate(containers: any[], extra: any = {}) {
  return { metadata: { labels: { app: 'orders' } }, spec: { containers, ...extra } };
}

function rawDeployment(scope: Construct, containers: any[] = [{ name: 'api', image: 'orders:1' }], extra: any = {}) {
  return new ApiObject(scope, 'api', {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'orders-api' },
    spec: { selector: { matchLabels: { app: 'orders' } }, template: podTemplate(containers, extra) },
  });
}

/** The rendered workload, checked against the Kubernetes 1.27 schema. */
function rendered(chart: PostgresLinkChart, kind: string): K8sObject {
  const objects = objectsOf(chart);
  const workload = find(objects, kind);
  validateObject(workload);
  return workload;
}

describe('linkWorkload on a raw ApiObject (Helm or CRD imports)', () => {
  test('a Deployment: every container gets the env and the CA mount, the pod the CA volume, the Deployment Reloader\'s annotations', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart, [{ name: 'api', image: 'orders:1' }, { name: 'sidecar', image: 'proxy:1' }]);

    // WHEN
    chart.linkWorkload(deployment);

    // THEN
    const workload = rendered(chart, 'Deployment');
    const pod = workload.spec.template.spec;
    for (const container of pod.containers) {
      expect(container.env).toEqual(LINKED_ENV);
      expect(container.volumeMounts).toEqual([CA_MOUNT]);
    }
    expect(pod.volumes).toEqual([CA_VOLUME]);
    expect(workload.metadata.annotations).toEqual(RELOADER);
    expect(workload.metadata.namespace).toBe('orders');
    expect(workload).toMatchSnapshot();
  });

  test("what the container and pod have is kept; a variable of the same name takes the chart's value; linking twice changes nothing", () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart, [{
      name: 'api',
      image: 'orders:1',
      env: [{ name: 'LOG_LEVEL', value: 'info' }, { name: 'PGSSLMODE', value: 'require' }],
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }], { volumes: [{ name: 'tmp', emptyDir: {} }] });
    deployment.metadata.addAnnotation('secret.reloader.stakater.com/reload', 'other-secret');

    // WHEN
    chart.linkWorkload(deployment);
    chart.linkWorkload(deployment);

    // THEN
    const workload = rendered(chart, 'Deployment');
    const container = workload.spec.template.spec.containers[0];
    expect(container.env).toEqual([
      { name: 'LOG_LEVEL', value: 'info' },
      { name: 'PGSSLMODE', value: 'verify-full' },
      ...LINKED_ENV.filter(e => e.name !== 'PGSSLMODE'),
    ]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }, CA_MOUNT]);
    expect(workload.spec.template.spec.volumes).toEqual([{ name: 'tmp', emptyDir: {} }, CA_VOLUME]);
    expect(workload.metadata.annotations['secret.reloader.stakater.com/reload']).toBe(`other-secret,${SECRET}`);
  });

  test('named containers: only those, an init container (a migration) included', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart, [{ name: 'api', image: 'orders:1' }, { name: 'sidecar', image: 'proxy:1' }], {
      initContainers: [{ name: 'migrate', image: 'orders-migrate:1' }],
    });

    // WHEN
    chart.linkWorkload(deployment, { containers: ['migrate', 'api'] });

    // THEN
    const pod = rendered(chart, 'Deployment').spec.template.spec;
    expect(pod.initContainers[0].env).toEqual(LINKED_ENV);
    expect(pod.initContainers[0].volumeMounts).toEqual([CA_MOUNT]);
    expect(pod.containers[0].env).toEqual(LINKED_ENV);
    expect(pod.containers[1].env).toBeUndefined();
    expect(pod.containers[1].volumeMounts).toBeUndefined();
    expect(pod.volumes).toEqual([CA_VOLUME]);
  });

  test('a StatefulSet, from a Helm chart rendered to YAML (cdk8s Include)', () => {
    // GIVEN
    const chart = chartOf();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'link-workload-'));
    const file = path.join(dir, 'helm-output.yaml');
    fs.writeFileSync(file, [
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: orders-worker\nspec:\n  clusterIP: None\n  selector:\n    app: orders\n',
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: orders-worker\nspec:\n  serviceName: orders-worker\n  selector:\n    matchLabels:\n      app: orders\n'
        + '  template:\n    metadata:\n      labels:\n        app: orders\n    spec:\n      containers:\n        - name: worker\n          image: orders-worker:1\n',
    ].join('---\n'));
    const include = new Include(chart, 'helm', { url: file });
    fs.rmSync(dir, { recursive: true });

    // WHEN
    chart.linkWorkload(include.apiObjects.find(o => o.kind === 'StatefulSet')!);

    // THEN
    const workload = rendered(chart, 'StatefulSet');
    expect(workload.spec.template.spec.containers[0].env).toEqual(LINKED_ENV);
    expect(workload.spec.template.spec.containers[0].volumeMounts).toEqual([CA_MOUNT]);
    expect(workload.spec.template.spec.volumes).toEqual([CA_VOLUME]);
    expect(workload.metadata.annotations).toEqual(RELOADER);
    expect(workload).toMatchSnapshot();
  });

  test('a Job: env and mount, no Reloader annotation (its pods read the Secret when they start) unless asked', () => {
    // GIVEN
    const chart = chartOf();
    const job = new ApiObject(chart, 'migrate', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'orders-migrate' },
      spec: { template: podTemplate([{ name: 'migrate', image: 'orders-migrate:1' }], { restartPolicy: 'Never' }) },
    });

    // WHEN
    chart.linkWorkload(job);

    // THEN
    const workload = rendered(chart, 'Job');
    expect(workload.spec.template.spec.containers[0].env).toEqual(LINKED_ENV);
    expect(workload.spec.template.spec.containers[0].volumeMounts).toEqual([CA_MOUNT]);
    expect(workload.spec.template.spec.volumes).toEqual([CA_VOLUME]);
    expect(workload.metadata.annotations).toBeUndefined();
    expect(workload).toMatchSnapshot();

    // WHEN asked
    chart.linkWorkload(job, { restartOnSecretChange: true });

    // THEN
    expect(rendered(chart, 'Job').metadata.annotations).toEqual(RELOADER);
  });

  test('a CronJob: the pod spec under jobTemplate', () => {
    // GIVEN
    const chart = chartOf();
    const cronJob = new ApiObject(chart, 'report', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'orders-report' },
      spec: {
        schedule: '0 3 * * *',
        jobTemplate: { spec: { template: podTemplate([{ name: 'report', image: 'orders-report:1' }], { restartPolicy: 'OnFailure' }) } },
      },
    });

    // WHEN
    chart.linkWorkload(cronJob);

    // THEN
    const workload = rendered(chart, 'CronJob');
    const pod = workload.spec.jobTemplate.spec.template.spec;
    expect(pod.containers[0].env).toEqual(LINKED_ENV);
    expect(pod.containers[0].volumeMounts).toEqual([CA_MOUNT]);
    expect(pod.volumes).toEqual([CA_VOLUME]);
    expect(workload.metadata.annotations).toBeUndefined();
    expect(workload).toMatchSnapshot();
  });

  test('a custom resource: the pod spec found at /spec/template/spec (Argo Rollout, rolled by Reloader), or given with podSpecPath', () => {
    // GIVEN
    const chart = chartOf({ sslMode: SslMode.REQUIRE });
    const rollout = new ApiObject(chart, 'rollout', {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'orders' },
      spec: { template: podTemplate([{ name: 'api', image: 'orders:1' }]) },
    });
    const runner = new ApiObject(chart, 'runner', {
      apiVersion: 'example.com/v1',
      kind: 'Runner',
      metadata: { name: 'orders-runner' },
      spec: { workers: { pod: { containers: [{ name: 'run', image: 'runner:1' }] } } },
    });

    // WHEN
    chart.linkWorkload(rollout);
    chart.linkWorkload(runner, { podSpecPath: '/spec/workers/pod' });

    // THEN
    const objects = objectsOf(chart);
    const withoutCa = [...LINKED_ENV.slice(0, VARIABLES.length), { name: 'PGSSLMODE', value: 'require' }];
    expect(find(objects, 'Rollout').spec.template.spec).toEqual({ containers: [{ name: 'api', image: 'orders:1', env: withoutCa }] });
    expect(find(objects, 'Rollout').metadata.annotations).toEqual({ 'secret.reloader.stakater.com/reload': SECRET });
    expect(find(objects, 'Runner').spec.workers.pod).toEqual({ containers: [{ name: 'run', image: 'runner:1', env: withoutCa }] });
    expect(find(objects, 'Runner').metadata.annotations).toBeUndefined();
  });

  test('restartOnSecretChange: false leaves a Deployment without annotations', () => {
    // GIVEN
    const chart = chartOf();

    // WHEN
    chart.linkWorkload(rawDeployment(chart), { restartOnSecretChange: false });

    // THEN
    expect(rendered(chart, 'Deployment').metadata.annotations).toBeUndefined();
  });

  test('containers changed after linking: rendering fails (a test of each linked name) rather than link another container', () => {
    // GIVEN
    const chart = chartOf();
    const containers: any[] = [{ name: 'api', image: 'orders:1' }];
    chart.linkWorkload(rawDeployment(chart, containers));

    // WHEN
    containers.unshift({ name: 'sidecar', image: 'proxy:1' }); // the manifest's own array, changed after linking

    // THEN
    expect(() => objectsOf(chart)).toThrow(/TEST_OPERATION_FAILED[\s\S]*"op": "test",\s*"path": "\/spec\/template\/spec\/containers\/0\/name",\s*"value": "api"/);
  });
});

describe('linkWorkload on cdk8s-plus workloads of any version', () => {
  test('a cdk8s-plus-33 Deployment (the construct, or its ApiObject) gets what linkContainer gives a cdk8s-plus-27 one', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = new kplus33.Deployment(chart, 'api', {
      metadata: { name: 'orders-api' },
      containers: [{ name: 'api', image: 'orders:1', portNumber: 8080, envVariables: { LOG_LEVEL: kplus33.EnvValue.fromValue('info') } }],
    });

    // WHEN
    chart.linkWorkload(deployment);
    chart.linkWorkload(ApiObject.of(deployment)); // the same object: nothing more

    // THEN
    const workload = rendered(chart, 'Deployment');
    const container = workload.spec.template.spec.containers[0];
    expect(container.env).toEqual([{ name: 'LOG_LEVEL', value: 'info' }, ...LINKED_ENV]);
    expect(container.volumeMounts).toEqual([CA_MOUNT]);
    expect(workload.spec.template.spec.volumes).toEqual([CA_VOLUME]);
    expect(workload.metadata.annotations).toEqual(RELOADER);

    // WHEN the same with cdk8s-plus-27's linkContainer and restartOnSecretChange
    const chart27 = chartOf();
    const deployment27 = new kplus27.Deployment(chart27, 'api', {
      metadata: { name: 'orders-api' },
      containers: [{ name: 'api', image: 'orders:1', portNumber: 8080, envVariables: { LOG_LEVEL: kplus27.EnvValue.fromValue('info') } }],
    });
    chart27.linkContainer(deployment27.containers[0]);
    chart27.restartOnSecretChange(deployment27);

    // THEN
    const workload27 = rendered(chart27, 'Deployment');
    expect(workload27.spec.template.spec.containers[0].env).toEqual(container.env);
    expect(workload27.spec.template.spec.containers[0].volumeMounts).toEqual(container.volumeMounts);
    expect(workload27.spec.template.spec.volumes).toEqual(workload.spec.template.spec.volumes);
    expect(workload27.metadata.annotations).toEqual(workload.metadata.annotations);
  });

  test('a cdk8s-plus-33 CronJob and a cdk8s-plus-27 Job', () => {
    // GIVEN
    const chart = chartOf();
    const cronJob = new kplus33.CronJob(chart, 'report', {
      schedule: Cron.daily(),
      containers: [{ name: 'report', image: 'orders-report:1' }],
    });
    const job = new kplus27.Job(chart, 'migrate', { containers: [{ name: 'migrate', image: 'orders-migrate:1' }] });

    // WHEN
    chart.linkWorkload(cronJob);
    chart.linkWorkload(job);

    // THEN
    const objects = objectsOf(chart);
    expect(find(objects, 'CronJob').spec.jobTemplate.spec.template.spec.containers[0].env).toEqual(LINKED_ENV);
    expect(find(objects, 'CronJob').spec.jobTemplate.spec.template.spec.volumes).toEqual([CA_VOLUME]);
    expect(find(objects, 'Job').spec.template.spec.containers[0].volumeMounts).toEqual([CA_MOUNT]);
  });
});

describe('linkWorkload refuses, with its code, the prop, the value, what is allowed and the fix', () => {
  test('a workload in another chart', () => {
    // GIVEN
    const chart = chartOf({}, Testing.app());
    const other = rawDeployment(Testing.chart());

    // WHEN
    const link = () => chart.linkWorkload(other);

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_OUTSIDE_CHART\] PostgresLinkChart at 'orders-db': invalid workload 'Deployment at 'test\/api''.*namespace 'orders'/);
  });

  test('a construct that is no workload', () => {
    // GIVEN
    const chart = chartOf();
    const empty = new Construct(chart, 'empty');

    // WHEN
    const link = () => chart.linkWorkload(empty);

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_OUTSIDE_CHART\] .*invalid workload 'orders-db\/empty'/);
  });

  test('a workload without containers', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart, []);

    // WHEN
    const link = () => chart.linkWorkload(deployment);

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_WITHOUT_CONTAINERS\] .*invalid workload 'Deployment 'orders-api' \(no container at \/spec\/template\/spec\/containers\)'/);
  });

  test('an unknown container name', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart);

    // WHEN
    const link = () => chart.linkWorkload(deployment, { containers: ['app'] });

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_CONTAINER_UNKNOWN\] .*invalid options\.containers 'app'.*'api'/);
  });

  test('a custom resource whose pod spec is not found', () => {
    // GIVEN
    const chart = chartOf();
    const runner = new ApiObject(chart, 'runner', { apiVersion: 'example.com/v1', kind: 'Runner', metadata: { name: 'r' }, spec: { pod: { containers: [] } } });

    // WHEN
    const link = () => chart.linkWorkload(runner);

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_POD_SPEC_NOT_FOUND\] .*invalid workload 'Runner 'r''/);
  });

  test('a podSpecPath that points at nothing', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart);

    // WHEN
    const link = () => chart.linkWorkload(deployment, { podSpecPath: 'spec/template' });

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_POD_SPEC_PATH_INVALID\] .*invalid options\.podSpecPath 'spec\/template'/);
  });

  test('restartOnSecretChange given as a string (from JavaScript)', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart);

    // WHEN
    const link = () => chart.linkWorkload(deployment, { restartOnSecretChange: 'false' as any });

    // THEN
    expect(link).toThrow(/invalid options\.restartOnSecretChange 'false'\. Allowed: a boolean.*Fix: write restartOnSecretChange: false without quotes/);
  });

  test('something else mounted where the CA bundle goes', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart, [{ name: 'api', image: 'orders:1', volumeMounts: [{ name: 'certs', mountPath: '/etc/rds-ca' }] }], {
      volumes: [{ name: 'certs', emptyDir: {} }],
    });

    // WHEN
    const link = () => chart.linkWorkload(deployment);

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_CA_MOUNT_TAKEN\] .*container 'api' \(volume 'certs' mounted at \/etc\/rds-ca\)/);
  });

  test('a volume of its own named like the CA bundle volume', () => {
    // GIVEN
    const chart = chartOf();
    const deployment = rawDeployment(chart, [{ name: 'api', image: 'orders:1' }], { volumes: [{ name: 'db-ca-bundle', emptyDir: {} }] });

    // WHEN
    const link = () => chart.linkWorkload(deployment);

    // THEN
    expect(link).toThrow(/\[CHART_WORKLOAD_CA_VOLUME_TAKEN\] .*invalid workload 'Deployment 'orders-api' \(a volume 'db-ca-bundle' of its own\)'/);
  });
});
