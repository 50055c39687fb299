import * as fs from 'fs';
import * as path from 'path';
import { CfnOutput, Reference, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as cdk8s from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { AuroraPostgres, DatabaseLink, PostgresLinkChart } from '../../src';
import { tempDir, testStack } from '../util';
import { K8sObject, find } from './fixtures';

// A cdk8s App with `resolvers: [new AwsCdkResolver()]` (@cdk8s/awscdk-resolver) resolves CDK tokens at `cdk8s synth`
// from the deployed stack's outputs. That package is not in the npm registry this project can reach, so this is a
// stand-in that behaves as its published source does (cdk8s-team/cdk8s-awscdk-resolver, src/resolve.ts and
// src/fetch-output-value.ts): a string token is looked up as the value of a CfnOutput of a stack that one of its
// References points into (the first such output in construct order); the output's value is fetched with
// CloudFormation DescribeStacks by stack name and OutputKey = the output's *construct id*; a failed fetch is not an
// error but the value `Failed fetching value for output <path>: <error>`. Here DescribeStacks is the stub: the
// stack's deployed outputs, keyed by their logical ids as CloudFormation reports them.
class AwsCdkResolverStandIn implements cdk8s.IResolver {
  constructor(private readonly describeStacks: (stackName: string) => Record<string, string>) {}

  public resolve(context: cdk8s.ResolutionContext): void {
    if (!Token.isUnresolved(context.value)) return;
    if (typeof context.value !== 'string') throw new Error(`Invalid value type: ${typeof context.value} (Expected 'string')`);
    const output = this.findOutput(context.value);
    try {
      const outputs = this.describeStacks(Stack.of(output).stackName);
      if (!(output.node.id in outputs)) throw new Error(`Unable to find output ${output.node.id} in stack ${Stack.of(output).stackName}`);
      context.replaceValue(outputs[output.node.id]);
    } catch (e) {
      context.replaceValue(`Failed fetching value for output ${output.node.path}: ${e}`);
    }
  }

  private findOutput(value: string): CfnOutput {
    for (const token of Tokenization.reverseString(value).tokens) {
      if (!Reference.isReference(token)) continue;
      const output = Stack.of(token.target).node.findAll().find(c => c instanceof CfnOutput && c.value === value);
      if (output) return output as CfnOutput;
    }
    throw new Error(`Unable to find output defined for ${value}`);
  }
}

const HOST = 'orders.cluster-c1a2b3.us-east-1.rds.amazonaws.com';
const ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:OrdersDbSecret-AbCdEf';

/** Renders a cdk8s App with the stand-in resolver to YAML (App.synth()) and reads the objects back. */
function synth(build: (app: cdk8s.App) => void, deployed: Record<string, Record<string, string>>): K8sObject[] {
  const app = new cdk8s.App({
    outdir: tempDir('cdk8s-resolver'),
    resolvers: [new AwsCdkResolverStandIn(name => {
      if (!deployed[name]) throw new Error(`Stack with id ${name} does not exist`);
      return deployed[name];
    })],
  });
  build(app);
  const file = path.join(tempDir('cdk8s-resolver-yaml'), 'all.yaml');
  fs.writeFileSync(file, app.synthYaml());
  return cdk8s.Yaml.load(file) as K8sObject[];
}

/**
 * A database cluster of a CDK app, its values in stack outputs (directly in the stack: their construct ids are their
 * output keys, which is what the resolver fetches); a link to it, and what DescribeStacks reports once deployed.
 */
function clusterStack() {
  const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
  const cluster = new rds.DatabaseCluster(stack, 'Orders', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_4 }),
    vpc,
    writer: rds.ClusterInstance.serverlessV2('writer'),
    defaultDatabaseName: 'orders',
  });
  new CfnOutput(stack, 'OrdersHost', { value: cluster.clusterEndpoint.hostname });
  new CfnOutput(stack, 'OrdersSecretArn', { value: cluster.secret!.secretArn });
  const link = DatabaseLink.fromValues({
    host: cluster.clusterEndpoint.hostname, username: 'postgres', databaseName: 'orders', secretArn: cluster.secret!.secretArn,
  });
  const deployed = { [stack.stackName]: { OrdersHost: HOST, OrdersSecretArn: ARN } };
  const chartIn = (app: cdk8s.App) => {
    const chart = new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database: link, libpqVariables: true }] });
    const deployment = new kplus.Deployment(chart, 'api', { containers: [{ image: 'orders:1' }] });
    chart.linkContainer(deployment.containers[0]);
    return chart;
  };
  return { cluster, deployed, chartIn };
}

describe('a database cluster of the same CDK app, its values in stack outputs', () => {
  test('the chart takes the token link without deployThroughEks, and cdk8s synth writes the deployed values', () => {
    // GIVEN
    const { chartIn, deployed } = clusterStack();

    // WHEN
    const objects = synth(chartIn, deployed);

    // THEN
    const spec = find(objects, 'ExternalSecret').spec;
    expect(spec.data).toEqual([{ secretKey: 'link0Password', remoteRef: { key: ARN, property: 'password' } }]);
    expect(spec.target.template.data).toMatchObject({
      rds_db_host: HOST,
      PGHOST: HOST,
      rds_db_url: `postgresql://postgres:{{ .link0Password | urlquery | replace "+" "%20" }}@${HOST}:5432/orders?sslmode=verify-full&sslrootcert=/etc/rds-ca/ca.pem`,
    });
    expect(JSON.stringify(objects)).not.toMatch(/\$\{Token\[|Failed fetching/);
  });

  test('before the stack is deployed, synth stops with the resolver\'s reason and the fix', () => {
    // GIVEN
    const { chartIn } = clusterStack();

    // WHEN
    const render = () => synth(chartIn, {});

    // THEN
    expect(render).toThrow(/\[CHART_TOKEN_NOT_DEPLOYED\] PostgresLinkChart at 'orders-db': invalid links\[0\]\.database\.secretArn 'Failed fetching value for output TestStack\/OrdersSecretArn: Error: Stack with id TestStack does not exist'.*Fix: deploy the stack/);
  });

  test('without a resolver the same link is still refused at construct time', () => {
    // GIVEN
    const { chartIn } = clusterStack();

    // WHEN
    const create = () => chartIn(new cdk8s.App({ outdir: tempDir('cdk8s') }));

    // THEN
    expect(create).toThrow(/\[CHART_TOKENS_UNRESOLVABLE\] .*invalid links\[0\]\.database 'a link with CDK tokens \(host, secretArn\)'.*resolvers: \[new AwsCdkResolver\(\)\]/);
  });

  test('a token that no resolver resolves (no output holds it) stops synth with the fix', () => {
    // GIVEN
    const { cluster, deployed } = clusterStack();
    const unlisted = DatabaseLink.fromValues({ host: cluster.clusterReadEndpoint.hostname, username: 'u', databaseName: 'd', secretArn: ARN });

    // WHEN
    const render = () => synth(app => new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database: unlisted }] }), deployed);

    // THEN
    expect(render).toThrow(/Unable to find output defined for/);
  });

  test('a token that the App\'s resolvers leave as it is stops synth with the fix', () => {
    // GIVEN
    const { cluster } = clusterStack();
    const link = DatabaseLink.fromValues({ host: cluster.clusterEndpoint.hostname, username: 'u', databaseName: 'd', secretArn: ARN });
    const app = new cdk8s.App({ outdir: tempDir('cdk8s-resolver'), resolvers: [{ resolve: () => undefined }] });
    new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database: link }] });

    // WHEN
    const render = () => app.synthYaml();

    // THEN
    expect(render).toThrow(/\[CHART_TOKEN_UNRESOLVED\] PostgresLinkChart at 'orders-db': invalid rds_db_host .*Fix: add new AwsCdkResolver\(\)/);
  });
});

describe('AuroraPostgres.link', () => {
  test('its outputs carry their keys as construct ids, so the resolver fetches rdsDbHost and rdsDbSecretArn and synth writes the deployed values', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const db = new AuroraPostgres(stack, 'rds', { vpc, databaseName: 'orders' });
    const deployed = { [stack.stackName]: { rdsDbHost: HOST, rdsDbSecretArn: ARN } }; // what DescribeStacks reports

    // WHEN
    const objects = synth(app => new PostgresLinkChart(app, 'orders-db', { namespace: 'orders', links: [{ moduleName: 'rds', database: db.link }] }), deployed);

    // THEN
    const spec = find(objects, 'ExternalSecret').spec;
    expect(spec.data).toEqual([{ secretKey: 'link0Password', remoteRef: { key: ARN, property: 'password' } }]);
    expect(spec.target.template.data).toMatchObject({ rds_db_host: HOST, rds_db_user: 'postgres', rds_db_name: 'orders' });
    expect(JSON.stringify(objects)).not.toMatch(/\$\{Token\[|Failed fetching/);
  });
});

describe('AuroraPostgres.link with includeReaderHost: true', () => {
  test('the resolver fetches rdsDbReaderHost (the proxy\'s read-only endpoint here) and synth writes it', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const db = new AuroraPostgres(stack, 'rds', { vpc, databaseName: 'orders', proxy: true, multiAz: true });
    const proxyHost = 'rds-proxy.proxy-c1a2b3.us-east-1.rds.amazonaws.com';
    const readerHost = 'rds-proxy-ro.endpoint.proxy-c1a2b3.us-east-1.rds.amazonaws.com';
    const deployed = { [stack.stackName]: { rdsDbHost: proxyHost, rdsDbReaderHost: readerHost, rdsDbSecretArn: ARN } };

    // WHEN
    const objects = synth(app => new PostgresLinkChart(app, 'orders-db', {
      namespace: 'orders', links: [{ moduleName: 'rds', database: db.link, includeReaderHost: true }],
    }), deployed);

    // THEN
    expect(find(objects, 'ExternalSecret').spec.target.template.data).toMatchObject({
      rds_db_host: proxyHost, rds_db_reader_host: readerHost, rds_db_port: '5432',
    });
    expect(JSON.stringify(objects)).not.toMatch(/\$\{Token\[|Failed fetching/);
  });
});
