// Synth cost of AuroraPostgres against hand-written aws-cdk-lib code that builds the same resources.
import { App, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { AuroraPostgres } from '../src';
import { BenchCase } from './harness';

function stackWithVpc(validation: boolean): { app: App; stack: Stack; vpc: ec2.Vpc } {
  const app = new App({ builtinCloudFormationValidation: validation });
  const stack = new Stack(app, 'Bench');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  return { app, stack, vpc };
}

/** What a careful engineer writes by hand for the same database: the same resources and outputs. */
function handWritten(scope: Construct, id: string, vpc: ec2.IVpc): void {
  const c = new Construct(scope, id);
  const key = new kms.Key(c, 'Key', { enableKeyRotation: true, removalPolicy: RemovalPolicy.RETAIN });
  const sg = new ec2.SecurityGroup(c, 'SecurityGroup', { vpc, allowAllOutbound: false });
  sg.addIngressRule(ec2.Peer.ipv4('10.0.0.0/16'), ec2.Port.tcp(5432), 'PostgreSQL from inside the VPC');
  const secret = new rds.DatabaseSecret(c, 'Secret', { username: 'postgres', dbname: 'app' });
  const cluster = new rds.DatabaseCluster(c, 'Cluster', {
    engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_9 }),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    securityGroups: [sg],
    writer: rds.ClusterInstance.provisioned('Writer', {
      instanceType: new ec2.InstanceType('t4g.medium'),
      publiclyAccessible: false,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: key,
    }),
    credentials: rds.Credentials.fromSecret(secret, 'postgres'),
    defaultDatabaseName: 'app',
    port: 5432,
    backup: { retention: Duration.days(7) },
    deletionProtection: true,
    removalPolicy: RemovalPolicy.SNAPSHOT,
    storageEncrypted: true,
    storageEncryptionKey: key,
    copyTagsToSnapshot: true,
    cloudwatchLogsExports: ['postgresql'],
    iamAuthentication: true,
    enablePerformanceInsights: true,
    performanceInsightEncryptionKey: key,
    parameters: { 'rds.force_ssl': '1' },
  });
  Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: 'rotation is off on purpose' });
  const outputs: Record<string, string> = {
    DbHost: cluster.clusterEndpoint.hostname,
    DbPort: '5432',
    DbName: 'app',
    DbUser: 'postgres',
    DbPassword: 'FROM_SECRET',
    DbSecretArn: cluster.secret!.secretArn,
    DbReaderHost: cluster.clusterReadEndpoint.hostname,
    EngineVersion: '17.9',
  };
  for (const [k, v] of Object.entries(outputs)) {
    new CfnOutput(c, `Output${id}${k}`, { value: v }).overrideLogicalId(`${id}${k}`);
  }
}

export function cdkCases(sizes: number[]): BenchCase[] {
  return sizes.map(n => ({
    group: 'AuroraPostgres vs aws-cdk-lib',
    size: n,
    unit: 'clusters in one stack',
    library: () => {
      const { app, stack, vpc } = stackWithVpc(false);
      for (let i = 0; i < n; i++) new AuroraPostgres(stack, `db${i}`, { vpc });
      return app.synth().getStackByName('Bench').template;
    },
    baseline: () => {
      const { app, stack, vpc } = stackWithVpc(false);
      for (let i = 0; i < n; i++) handWritten(stack, `db${i}`, vpc);
      return app.synth().getStackByName('Bench').template;
    },
  }));
}

/** One synth of one library cluster with aws-cdk-lib's built-in validator on, and the same with it off. */
export function validatorCase(): BenchCase {
  const once = (validation: boolean) => () => {
    const { app, stack, vpc } = stackWithVpc(validation);
    new AuroraPostgres(stack, 'db', { vpc });
    return app.synth().getStackByName('Bench').template;
  };
  return {
    group: 'built-in CloudFormation validator (1 cluster)',
    size: 1,
    unit: 'on vs off',
    library: once(true),
    baseline: once(false),
    sameOutput: false,
  };
}
