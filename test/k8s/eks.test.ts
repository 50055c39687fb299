import * as fs from 'fs';
import * as path from 'path';
import { Lazy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cdk8s from 'cdk8s';
import { AuroraPostgres, DatabaseLink, LinkSecretMode, PostgresLinkChart } from '../../src';
import { tempDir, testStack } from '../util';
import { ARN_EAST } from './fixtures';

/** A link whose host and secret ARN are CDK tokens, as AuroraPostgres.link's are. */
const tokenLink = () => DatabaseLink.fromValues({
  host: Lazy.string({ produce: () => 'orders.cluster-x.us-east-1.rds.amazonaws.com' }),
  username: 'postgres',
  databaseName: 'orders',
  secretArn: Lazy.string({ produce: () => ARN_EAST }),
});

const TOKEN_MESSAGE = /PostgresLinkChart at 'orders-db' holds CDK tokens \(links\[0\]\.database: host, secretArn\) that only CloudFormation can fill in; it can only be rendered by eks\.Cluster\.addCdk8sChart .*Fix: pass the chart to eksCluster\.addCdk8sChart\(\.\.\.\) and give it a cdk8s App of its own, or, for a separate cdk8s pipeline, build the link with DatabaseLink\.fromCdkOutputs/;

function tokenChart(app: cdk8s.App, props: { deployThroughEks?: boolean; secretMode?: LinkSecretMode; link?: DatabaseLink } = {}) {
  return new PostgresLinkChart(app, 'orders-db', {
    namespace: 'orders',
    links: [{ moduleName: 'rds', database: props.link ?? tokenLink() }],
    deployThroughEks: props.deployThroughEks,
    secretMode: props.secretMode,
  });
}

describe('a link with CDK tokens', () => {
  test('is refused at construct time without deployThroughEks, naming addCdk8sChart and fromCdkOutputs', () => {
    // GIVEN
    const app = new cdk8s.App({ outdir: tempDir('cdk8s') });

    // WHEN
    const create = () => tokenChart(app);

    // THEN
    expect(create).toThrow(/\[CHART_TOKENS_UNRESOLVABLE\] .*invalid links\[0\]\.database 'a link with CDK tokens \(host, secretArn\)'.*DatabaseLink\.fromCdkOutputs/);
  });

  test('PLAIN with a token password is refused even through EKS (aws/aws-cdk#22533)', () => {
    // GIVEN
    const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', password: Lazy.string({ produce: () => '{{resolve:secretsmanager:x:SecretString:password::}}' }) });

    // WHEN
    const create = () => tokenChart(new cdk8s.App({ outdir: tempDir('cdk8s') }), { link, deployThroughEks: true, secretMode: LinkSecretMode.PLAIN });

    // THEN
    expect(create).toThrow(/\[CHART_PLAIN_TOKEN_PASSWORD\] .*invalid links\[0\]\.database\.password '<a CDK token>'.*aws\/aws-cdk#22533/);
  });

  describe('with deployThroughEks', () => {
    test('cdk8s App.synth() fails validation with the message, and writes nothing', () => {
      // GIVEN
      const outdir = path.join(tempDir('cdk8s'), 'dist');
      const app = new cdk8s.App({ outdir });
      tokenChart(app, { deployThroughEks: true });

      // WHEN
      const synth = () => app.synth();
      const synthYaml = () => app.synthYaml();

      // THEN
      expect(synth).toThrow(TOKEN_MESSAGE);
      expect(synthYaml).toThrow(TOKEN_MESSAGE);
      expect(fs.readdirSync(outdir)).toEqual([]);
    });

    test('chart.toJson() (what addCdk8sChart calls) renders, leaving the tokens for CloudFormation', () => {
      // GIVEN
      const chart = tokenChart(new cdk8s.App(), { deployThroughEks: true });

      // WHEN
      const [externalSecret] = chart.toJson();

      // THEN
      expect(externalSecret.spec.target.template.data.rds_db_host).toMatch(/^\$\{Token\[TOKEN\.\d+\]\}$/);
      expect(externalSecret.spec.data[0].remoteRef.key).toMatch(/^\$\{Token\[TOKEN\.\d+\]\}$/);
    });

    test('rendering another chart of the same cdk8s App fails too: such a chart needs an App of its own', () => {
      // GIVEN
      const app = new cdk8s.App();
      tokenChart(app, { deployThroughEks: true });
      const other = new cdk8s.Chart(app, 'other');

      // WHEN
      const render = () => other.toJson();

      // THEN
      expect(render).toThrow(TOKEN_MESSAGE);
    });

    test('a chart without tokens synthesizes with cdk8s as usual', () => {
      // GIVEN
      const app = new cdk8s.App({ outdir: tempDir('cdk8s') });
      new PostgresLinkChart(app, 'orders-db', {
        namespace: 'orders', deployThroughEks: true, links: [{ moduleName: 'rds', database: DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', secretArn: ARN_EAST }) }],
      });

      // WHEN
      const yaml = app.synthYaml();

      // THEN
      expect(yaml).toContain('kind: ExternalSecret');
    });
  });
});

/** A marker for an intrinsic that can stand inside a JSON string: <<Ref:Id>>, <<GetAtt:Id.Attr>>. */
function markerOf(intrinsic: any): string {
  if (typeof intrinsic?.Ref === 'string') return `<<Ref:${intrinsic.Ref}>>`;
  if (Array.isArray(intrinsic?.['Fn::GetAtt'])) return `<<GetAtt:${intrinsic['Fn::GetAtt'].join('.')}>>`;
  return `<<${Object.keys(intrinsic ?? {}).join(',')}>>`;
}

/** Rebuilds a Fn::Join of strings and intrinsics into one string, each intrinsic shown by its marker. */
function joinWithMarkers(value: any): string {
  if (typeof value === 'string') return value;
  if (value && Array.isArray(value['Fn::Join'])) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(joinWithMarkers).join(separator);
  }
  return markerOf(value);
}

/** A real eks.Cluster.addCdk8sChart stack whose chart links AuroraPostgres.link; its chart's manifest and a marker of a token. */
function eksStack() {
  const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
  const db = new AuroraPostgres(stack, 'rds', { vpc, databaseName: 'orders' });
  const cluster = new eks.Cluster(stack, 'Eks', {
    vpc,
    version: eks.KubernetesVersion.V1_27,
    defaultCapacity: 0,
    // aws-cdk-lib 2.276 requires a kubectl layer; a reference is enough to synthesize.
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1'),
  });
  const chart = new PostgresLinkChart(new cdk8s.App(), 'orders-db', {
    namespace: 'orders',
    links: [{ moduleName: 'rds', database: db.link }],
    serviceAccountName: 'orders',
    deployThroughEks: true,
  });
  cluster.addCdk8sChart('orders-db', chart);
  const marker = (token: string) => markerOf(Stack.of(stack).resolve(token));
  return { stack, db, marker };
}

/** The stack's KubernetesResource manifests that hold the chart. */
function chartManifests(template: Template) {
  return Object.values(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'))
    .map(r => r.Properties.Manifest)
    .filter(m => JSON.stringify(m).includes('ExternalSecret'));
}

describe('a real eks.Cluster.addCdk8sChart stack, the chart linking AuroraPostgres.link', () => {
  test('one KubernetesResource holds the chart', () => {
    // GIVEN
    const { stack } = eksStack();

    // WHEN
    const manifests = chartManifests(Template.fromStack(stack));

    // THEN
    expect(manifests).toHaveLength(1);
    expect(JSON.stringify(manifests[0])).toMatch(/^\{"Fn::Join":/);
  });

  test('its ExternalSecret gets the host from Fn::GetAtt and the secret ARN from a Ref', () => {
    // GIVEN
    const { stack, db, marker } = eksStack();

    // WHEN
    const objects = JSON.parse(joinWithMarkers(chartManifests(Template.fromStack(stack))[0]));

    // THEN
    expect(objects.map((o: any) => o.kind)).toEqual(['ExternalSecret', 'ConfigMap', 'Role', 'RoleBinding']);
    const spec = objects[0].spec;
    expect(Stack.of(stack).resolve(db.link.host)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'Endpoint.Address'] });
    expect(Stack.of(stack).resolve(db.link.secretArn)).toEqual({ Ref: expect.stringMatching(/^rds.*Attachment/) });
    expect(spec.target.template.data).toEqual({
      rds_db_user: 'postgres',
      rds_db_password: '{{ .link0Password }}',
      rds_db_name: 'orders',
      rds_db_host: marker(db.link.host),
      rds_db_port: '5432',
      rds_db_url: `postgresql://postgres:{{ .link0Password | urlquery | replace "+" "%20" }}@${marker(db.link.host)}:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
      rds_db_jdbc_url: `jdbc:postgresql://${marker(db.link.host)}:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
    });
    expect(spec.data).toEqual([{ secretKey: 'link0Password', remoteRef: { key: marker(db.link.secretArn!), property: 'password' } }]);
  });

  test('no {{resolve:secretsmanager and no password in the manifest', () => {
    // GIVEN
    const { stack } = eksStack();

    // WHEN
    const template = Template.fromStack(stack);

    // THEN
    const text = JSON.stringify(chartManifests(template)[0]);
    // The same stack does hold one: the cluster's MasterUserPassword. It stays out of the manifest.
    expect(JSON.stringify(template.toJSON())).toContain('{{resolve:secretsmanager:');
    expect(text).not.toContain('resolve:secretsmanager');
    expect(text).not.toMatch(/MasterUserPassword|SecretString/);
  });
});
