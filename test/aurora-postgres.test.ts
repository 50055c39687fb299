import { CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps, DatabaseLink } from '../src';
import { testStack, vpcWithReferencedCidr } from './util';

/** WHEN: an AuroraPostgres with `props` in a test stack with a VPC; its stack, database and template. */
function synth(props: Partial<AuroraPostgresProps> = {}, id = 'rds') {
  const { stack, vpc } = testStack();
  const db = new AuroraPostgres(stack, id, { vpc, ...props });
  return { stack, vpc, db, template: Template.fromStack(stack) };
}

/** A fresh copy of the package, as when two copies of it load in one app. */
function anotherCopy(): typeof import('../src') {
  let copy: typeof import('../src') | undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jest.isolateModules(() => { copy = require('../src'); });
  return copy!;
}

/** WHEN: building an AuroraPostgres with `props` in a fresh test stack (for `toThrow`). */
function build(props: Partial<AuroraPostgresProps>) {
  const { stack, vpc } = testStack();
  return () => new AuroraPostgres(stack, 'rds', { vpc, ...props });
}

describe('AuroraPostgres defaults', () => {
  test('one encrypted Aurora PostgreSQL 17 cluster with 7 days of backups, deletion protection and a final snapshot', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.resourceCountIs('AWS::RDS::DBCluster', 1);
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({
        Engine: 'aurora-postgresql',
        EngineVersion: '17.9',
        DatabaseName: 'app',
        MasterUsername: 'postgres',
        Port: 5432,
        BackupRetentionPeriod: 7,
        DeletionProtection: true,
        StorageEncrypted: true,
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsKey'), 'Arn'] },
        CopyTagsToSnapshot: true,
        EnableCloudwatchLogsExports: ['postgresql'],
        EnableIAMDatabaseAuthentication: true,
        PerformanceInsightsEnabled: true,
        PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsKey'), 'Arn'] },
      }),
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  test('a single writer of class db.t4g.medium, not publicly accessible, Performance Insights with the same key', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.resourceCountIs('AWS::RDS::DBInstance', 1);
    template.hasResourceProperties('AWS::RDS::DBInstance', {
      DBInstanceClass: 'db.t4g.medium',
      PubliclyAccessible: false,
      EnablePerformanceInsights: true,
      PerformanceInsightsKMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsKey'), 'Arn'] },
      AvailabilityZone: Match.absent(),
    });
  });

  test('a new KMS key with rotation, retained on delete', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  test('the subnet group holds the private subnets only', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = synth();
    // THEN
    const privateIds = db.cluster.stack.resolve(
      (db.cluster as rds.DatabaseCluster).vpc.privateSubnets.map(s => s.subnetId));
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: privateIds });
  });

  test('the security group admits 5432 from the VPC CIDR only, and no egress', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Aurora PostgreSQL TestStack/rds',
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp', Description: Match.anyValue() }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    expect(JSON.stringify(groups)).not.toContain('0.0.0.0/0');
  });

  test('the master password is generated into Secrets Manager (with user and database name), never in the template', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({
        GenerateStringKey: 'password',
        SecretStringTemplate: '{"username":"postgres","dbname":"app"}',
      }),
    });
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      MasterUserPassword: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', Match.anyValue(), ':SecretString:password::}}']] },
    });
    template.hasResourceProperties('AWS::SecretsManager::SecretTargetAttachment', { TargetType: 'AWS::RDS::DBCluster' });
  });

  test('no rotation by default', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  test('link outputs have stable keys and carry no password', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth();
    // THEN
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs).sort()).toEqual(
      ['rdsDbHost', 'rdsDbName', 'rdsDbPassword', 'rdsDbPort', 'rdsDbReaderHost', 'rdsDbSecretArn', 'rdsDbUser', 'rdsEngineVersion']);
    expect(outputs.rdsEngineVersion.Value).toBe('17.9');
    expect(outputs.rdsDbHost.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'Endpoint.Address'] });
    expect(outputs.rdsDbPort.Value).toBe('5432');
    expect(outputs.rdsDbName.Value).toBe('app');
    expect(outputs.rdsDbUser.Value).toBe('postgres');
    expect(outputs.rdsDbPassword.Value).toBe(DatabaseLink.FROM_SECRET);
    expect(outputs.rdsDbSecretArn.Value).toEqual({ Ref: expect.stringMatching(/^rdsSecretAttachment/) });
  });

  test('the link holds CDK tokens for host and secret, literals for user, name and port', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { db, stack } = synth();
    // THEN
    expect(db.link.hasCdkTokens).toBe(true);
    expect(stack.resolve(db.link.host)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'Endpoint.Address'] });
    expect(db.link.username).toBe('postgres');
    expect(db.link.databaseName).toBe('app');
    expect(db.link.port).toBe('5432');
    expect(db.link.password).toBeUndefined();
    expect(db.link.secretKeyOf('password')).toBe('password');
    expect(stack.resolve(db.link.secretArn)).toEqual({ Ref: expect.stringMatching(/^rdsSecretAttachment/) });
  });

  test('exposes the cluster, secret, key, security group and module name', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { db } = synth();
    // THEN
    expect(db.secret).toBeDefined();
    expect(db.moduleName).toBe('rds');
    expect(db.connections.securityGroups).toContain(db.securityGroup);
    expect(db.encryptionKey).toBeInstanceOf(kms.Key);
    expect(db.cluster).toBeInstanceOf(rds.DatabaseCluster);
  });
});

describe('AuroraPostgres options', () => {
  test('instanceClass, engineVersion, databaseName, masterUsername, port, backups, windows', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({
      instanceClass: 'db.r6g.large',
      engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6,
      databaseName: 'orders',
      masterUsername: 'orders_admin',
      port: 6543,
      backupRetention: Duration.days(35),
      preferredBackupWindow: '03:00-04:00',
      preferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      EngineVersion: '16.6',
      DatabaseName: 'orders',
      MasterUsername: 'orders_admin',
      Port: 6543,
      BackupRetentionPeriod: 35,
      PreferredBackupWindow: '03:00-04:00',
      PreferredMaintenanceWindow: 'sun:05:00-sun:06:00',
    });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6g.large' });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ FromPort: 6543, ToPort: 6543 })],
    });
    expect(template.toJSON().Outputs.rdsDbPort.Value).toBe('6543');
  });

  test('multiAz: a writer and one reader in another AZ, the reader a failover target', () => {
    // GIVEN a stack with a VPC in two AZs
    // WHEN
    const { template } = synth({ multiAz: true });
    // THEN
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance')).map((r: any) => r.Properties);
    const zones = instances.map(p => JSON.stringify(p.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
    expect(instances.map(p => p.PromotionTier).sort()).toEqual([0, 1]);
  });

  test('instances: 3 is one writer and two readers spread over the AZs', () => {
    // GIVEN a stack with a VPC in two AZs
    // WHEN
    const { template } = synth({ instances: 3 });
    // THEN
    template.resourceCountIs('AWS::RDS::DBInstance', 3);
    const zones = Object.values(template.findResources('AWS::RDS::DBInstance'))
      .map((r: any) => JSON.stringify(r.Properties.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
  });

  test('deletionProtection false and removalPolicy DESTROY', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    // THEN
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({ DeletionProtection: false }),
      DeletionPolicy: 'Delete',
    });
  });

  test('DESTROY with deletion protection still on is a warning', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { stack } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp('deletionProtection is on'));
  });

  test('extraSecurityGroups are added to the cluster', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const extra = new ec2.SecurityGroup(stack, 'Extra', { vpc });
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc, extraSecurityGroups: [extra] });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBCluster', {
      VpcSecurityGroupIds: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsSecurityGroup'), 'GroupId'] },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^Extra'), 'GroupId'] },
      ],
    });
  });

  test('connections.allowDefaultPortFrom admits a peer on the port', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc, allowFromVpcCidr: false });
    const app = new ec2.SecurityGroup(stack, 'App', { vpc });
    // WHEN
    db.connections.allowDefaultPortFrom(app);
    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsCluster'), 'Endpoint.Port'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^App'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Aurora PostgreSQL TestStack/rds', SecurityGroupIngress: Match.absent(),
    });
  });

  test('a VPC whose CIDR is only known at deploy time gets a reference, not a literal', () => {
    // GIVEN
    const { stack } = testStack();
    const vpc = vpcWithReferencedCidr(stack);
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: { 'Fn::ImportValue': 'VpcCidr' } })],
    });
  });

  test('isolated subnets are used when the VPC has no private subnets with egress', () => {
    // GIVEN
    const { stack } = testStack();
    const vpc = new ec2.Vpc(stack, 'Isolated', {
      maxAzs: 2,
      subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Stack.of(stack).resolve(vpc.isolatedSubnets.map(s => s.subnetId)),
    });
  });

  test('storageEncryptionKey is used for storage and Performance Insights; no new key', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc, storageEncryptionKey: key });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
      PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
    });
  });

  test('iamAuthentication false', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ iamAuthentication: false });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: false });
  });

  test('rotation adds a rotation schedule with the interval', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ rotation: true, rotationInterval: Duration.days(7) });
    // THEN
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
  });

  test('cloudwatchLogsRetention, parameters, autoMinorVersionUpgrade, clusterIdentifier', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({
      cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
      parameters: { log_min_duration_statement: '1000' },
      autoMinorVersionUpgrade: false,
      clusterIdentifier: 'orders-db',
    });
    // THEN
    template.hasResourceProperties('Custom::LogRetention', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '1' } });
    template.hasResourceProperties('AWS::RDS::DBInstance', { AutoMinorVersionUpgrade: false });
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: 'orders-db' });
  });

  test('moduleName prefixes the output keys; the default drops non-alphanumerics from the id', () => {
    // GIVEN two stacks with a VPC
    // WHEN
    const named = synth({ moduleName: 'orders' });
    const fromId = synth({}, 'Orders-DB');
    // THEN
    expect(Object.keys(named.template.toJSON().Outputs)).toContain('ordersDbHost');
    expect(Object.keys(fromId.template.toJSON().Outputs)).toContain('OrdersDBDbHost');
  });

  test('grantReadCredentials and grantConnect', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    const role = new iam.Role(stack, 'Eso', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    // WHEN
    db.grantReadCredentials(role);
    db.grantConnect(role, 'app_user');
    // THEN
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('secretsmanager:GetSecretValue');
    expect(policy).toContain('rds-db:connect');
  });

  test("'db.serverless', RDS's own name, is accepted as 'serverless'", () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ instanceClass: 'db.serverless' });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    template.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 } });
  });

  test.each(['db.r5.large', 'db.r6g.16xlarge', 'db.r6i.32xlarge', 'db.r6gd.xlarge', 'db.r6id.large', 'db.r7g.large',
    'db.r7i.48xlarge', 'db.r8g.large', 'db.r8gd.2xlarge', 'db.x2g.large', 'db.t3.medium', 'db.t4g.large'])('%s is accepted without a warning', cls => {
    // GIVEN a stack with a VPC
    // WHEN
    const { stack, template } = synth({ instanceClass: cls });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: cls });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('instanceClass'));
  });

  test('a family the library does not know is a warning (new families are not blocked), with a suggestion', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { stack, template } = synth({ instanceClass: 'db.r6x.large' });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6x.large' });
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp("family db\\.r6x is not one this library knows.*Did you mean 'db\\.r6g\\.large'\\?"));
  });

  test('tokens are not validated at construct time; a token class reaches the template whole', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const cls = new CfnParameter(stack, 'Class', { default: 'db.r6g.large' }).valueAsString;
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', { vpc, instanceClass: cls });
    // THEN
    expect(create).not.toThrow();
    const instance = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'))[0];
    // 'db.' + the family and size split out of the parameter: 'db.r6g.large' again, not 'db.db.r6g.large'.
    expect(JSON.stringify(instance.Properties.DBInstanceClass)).toMatch(/^\{"Fn::Join":\["",\["db\.",\{"Fn::Join":\["\.",\[\{"Fn::Select":\[1,\{"Fn::Split":\["\.",\{"Ref":"Class"\}\]\}\]\},\{"Fn::Select":\[2,/);
  });

  test('private subnets in two AZs pass; an imported VPC with unknown AZs is not checked', () => {
    // GIVEN
    const { stack } = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Tokens', {
      vpcId: 'vpc-1', vpcCidrBlock: '10.0.0.0/16', availabilityZones: Fn.getAzs(), privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', { vpc });
    // THEN
    expect(create).not.toThrow();
  });
});

describe('AuroraPostgres errors', () => {
  test('malformed instanceClass', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instanceClass: 'r6g.large' });
    // THEN
    expect(create).toThrow(/\[INSTANCE_CLASS_FORMAT\].*'r6g.large'.*Fix: add the 'db\.' prefix: 'db\.r6g\.large'/);
  });

  test('a family Aurora PostgreSQL does not offer', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instanceClass: 'db.m6g.large' });
    // THEN
    expect(create).toThrow(/\[INSTANCE_CLASS_UNSUPPORTED_FAMILY\].*db\.m6g is not one of them/);
  });

  test('a size the family is not offered in', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instanceClass: 'db.t4g.micro' });
    // THEN
    expect(create).toThrow(/\[INSTANCE_CLASS_UNKNOWN_SIZE\].*'db\.t4g\.micro'.*medium, large/);
  });

  test('a typo in the size', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instanceClass: 'db.t4g.medum' });
    // THEN
    expect(create).toThrow(/\[INSTANCE_CLASS_UNKNOWN_SIZE\].*did you mean 'medium'\?/);
  });

  test('a VPC whose private subnets are all in one Availability Zone', () => {
    // GIVEN
    const stack = new Stack(undefined, 'OneAz', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', { vpc });
    // THEN
    expect(create).toThrow(/\[SUBNETS_SINGLE_AZ\].*invalid vpc '1 subnet\(s\) in dummy1a'.*maxAzs: 2 or more/);
  });

  test('vpcSubnets in one Availability Zone', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['dummy1a'] };
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', { vpc, vpcSubnets });
    // THEN
    expect(create).toThrow(/\[SUBNETS_SINGLE_AZ\].*invalid vpcSubnets '1 subnet\(s\) in dummy1a'.*Fix: select subnets of two or more AZs/);
  });

  test('instances out of range', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instances: 17 });
    // THEN
    expect(create).toThrow(/\[INSTANCES_RANGE\].*invalid instances 17/);
  });

  test('instances not whole', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instances: 1.5 });
    // THEN
    expect(create).toThrow(/\[INSTANCES_RANGE\].*invalid instances 1\.5/);
  });

  test('instances together with multiAz', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ instances: 2, multiAz: true });
    // THEN
    expect(create).toThrow(/\[INSTANCES_WITH_MULTI_AZ\].*invalid instances 2/);
  });

  test('backupRetention over 35 days', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ backupRetention: Duration.days(36) });
    // THEN
    expect(create).toThrow(/\[BACKUP_RETENTION_RANGE\].*'36 days'.*1 to 35/);
  });

  test('backupRetention not whole days', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ backupRetention: Duration.hours(36) });
    // THEN
    expect(create).toThrow(/\[BACKUP_RETENTION_RANGE\].*'1 day 12 hours'/);
  });

  test('invalid databaseName', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ databaseName: '1-orders' });
    // THEN
    expect(create).toThrow(/\[CLUSTER_DATABASE_NAME_INVALID\].*'1-orders'/);
  });

  test('reserved databaseName', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ databaseName: 'template1' });
    // THEN
    expect(create).toThrow(/\[CLUSTER_DATABASE_NAME_INVALID\].*'template1'/);
  });

  test('invalid masterUsername', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ masterUsername: 'rdsadmin' });
    // THEN
    expect(create).toThrow(/\[MASTER_USERNAME_INVALID\].*invalid masterUsername 'rdsadmin'/);
  });

  test('port out of range', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ port: 80 });
    // THEN
    expect(create).toThrow(/\[CLUSTER_PORT_RANGE\].*invalid port 80/);
  });

  test('a VPC with no private subnets', () => {
    // GIVEN
    const { stack } = testStack();
    const vpc = new ec2.Vpc(stack, 'PublicOnly', { subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }] });
    // WHEN
    const create = () => new AuroraPostgres(stack, 'rds', { vpc });
    // THEN
    expect(create).toThrow(/\[VPC_WITHOUT_PRIVATE_SUBNETS\].*'TestStack\/PublicOnly'/);
  });

  test('vpcSubnets selecting public subnets', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } });
    // THEN
    expect(create).toThrow(/\[SUBNETS_PUBLIC\].*'subnetType PUBLIC'/);
  });

  test('vpcSubnets naming a public subnet by group', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ vpcSubnets: { subnetGroupName: 'Public' } });
    // THEN
    expect(create).toThrow(/\[SUBNETS_PUBLIC\].*'TestStack\/Vpc\/PublicSubnet1/);
  });

  test('rotationInterval without rotation', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ rotationInterval: Duration.days(3) });
    // THEN
    expect(create).toThrow(/\[ROTATION_INTERVAL_WITHOUT_ROTATION\].*'3 days'/);
  });

  test('a moduleName that is not letters and digits', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = build({ moduleName: 'orders_db' });
    // THEN
    expect(create).toThrow(/\[MODULE_NAME_INVALID\].*'orders_db'/);
  });

  test('two databases with the same moduleName in one stack', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    new AuroraPostgres(stack, 'a', { vpc, moduleName: 'orders' });
    // WHEN
    const create = () => new AuroraPostgres(stack, 'b', { vpc, moduleName: 'orders' });
    // THEN
    expect(create).toThrow(/\[MODULE_NAME_TAKEN\].*'orders'/);
  });

  test('two copies of the package in one app see each other\'s output keys (per-stack state lives in the stack)', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const copies = [anotherCopy(), anotherCopy()];
    new copies[0].AuroraPostgres(stack, 'a', { vpc, moduleName: 'orders' });
    // WHEN
    const create = () => new copies[1].AuroraPostgres(stack, 'b', { vpc, moduleName: 'orders' });
    // THEN
    expect(copies[0].AuroraPostgres).not.toBe(copies[1].AuroraPostgres);
    expect(create).toThrow(/\[MODULE_NAME_TAKEN\]/);
  });

  test('the duplicate moduleName is refused before the second database creates anything', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    new AuroraPostgres(stack, 'a', { vpc, moduleName: 'orders' });
    // WHEN
    expect(() => new AuroraPostgres(stack, 'b', { vpc, moduleName: 'orders' })).toThrow(/\[MODULE_NAME_TAKEN\]/);
    // THEN
    expect(stack.node.findChild('b').node.children).toEqual([]);
  });

  test('every cross-prop rule runs before a resource exists: a proxy on a restore without credentials', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    // WHEN
    expect(() => new AuroraPostgres(stack, 'rds', {
      vpc, restoreFromSnapshot: 'snap', engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6, proxy: true,
    })).toThrow(/\[PROXY_WITHOUT_SECRET\]/);
    // THEN
    expect(stack.node.findChild('rds').node.children).toEqual([]);
  });

  test('grantReadCredentials on a database without a credentials secret', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc, restoreFromSnapshot: 'snap', engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 });
    const role = new iam.Role(stack, 'Eso', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    // WHEN
    const grant = () => db.grantReadCredentials(role);
    // THEN
    expect(grant).toThrow(/\[CREDENTIALS_SECRET_MISSING\].*missing secret/);
  });
});
