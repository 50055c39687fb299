import { CfnParameter, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps, DatabaseLink } from '../src';
import { testStack, vpcWithReferencedCidr } from './util';

function synth(props: Partial<AuroraPostgresProps> = {}, id = 'rds') {
  const { stack, vpc } = testStack();
  const db = new AuroraPostgres(stack, id, { vpc, ...props });
  return { stack, vpc, db, template: Template.fromStack(stack) };
}

describe('AuroraPostgres defaults', () => {
  const { template, db, stack } = synth();

  test('one encrypted Aurora PostgreSQL 17 cluster with 7 days of backups, deletion protection and a final snapshot', () => {
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
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true }),
      DeletionPolicy: 'Retain',
    });
  });

  test('the subnet group holds the private subnets only', () => {
    const privateIds = db.cluster.stack.resolve(
      (db.cluster as rds.DatabaseCluster).vpc.privateSubnets.map(s => s.subnetId));
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: privateIds });
  });

  test('the security group admits 5432 from the VPC CIDR only, and no egress', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: 'Aurora PostgreSQL TestStack/rds',
      SecurityGroupIngress: [{ CidrIp: '10.0.0.0/16', FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp', Description: Match.anyValue() }],
      SecurityGroupEgress: [Match.objectLike({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })],
    });
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    expect(JSON.stringify(groups)).not.toContain('0.0.0.0/0');
  });

  test('the master password is generated into Secrets Manager (with user and database name), never in the template', () => {
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
    template.resourceCountIs('AWS::SecretsManager::RotationSchedule', 0);
  });

  test('link outputs have stable keys and carry no password', () => {
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
    expect(db.secret).toBeDefined();
    expect(db.moduleName).toBe('rds');
    expect(db.connections.securityGroups).toContain(db.securityGroup);
    expect(db.encryptionKey).toBeInstanceOf(kms.Key);
    expect(db.cluster).toBeInstanceOf(rds.DatabaseCluster);
  });
});

describe('AuroraPostgres options', () => {
  test('instanceClass, engineVersion, databaseName, masterUsername, port, backups, windows', () => {
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
    const { template } = synth({ multiAz: true });
    template.resourceCountIs('AWS::RDS::DBInstance', 2);
    const instances = Object.values(template.findResources('AWS::RDS::DBInstance')).map((r: any) => r.Properties);
    const zones = instances.map(p => JSON.stringify(p.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
    expect(instances.map(p => p.PromotionTier).sort()).toEqual([0, 1]);
  });

  test('instances: 3 is one writer and two readers spread over the AZs', () => {
    const { template } = synth({ instances: 3 });
    template.resourceCountIs('AWS::RDS::DBInstance', 3);
    const zones = Object.values(template.findResources('AWS::RDS::DBInstance'))
      .map((r: any) => JSON.stringify(r.Properties.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
  });

  test('deletionProtection false and removalPolicy DESTROY', () => {
    const { template } = synth({ deletionProtection: false, removalPolicy: RemovalPolicy.DESTROY });
    template.hasResource('AWS::RDS::DBCluster', {
      Properties: Match.objectLike({ DeletionProtection: false }),
      DeletionPolicy: 'Delete',
    });
  });

  test('DESTROY with deletion protection still on is a warning', () => {
    const { stack } = synth({ removalPolicy: RemovalPolicy.DESTROY });
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp('deletionProtection is on'));
  });

  test('extraSecurityGroups are added to the cluster', () => {
    const { stack, vpc } = testStack();
    const extra = new ec2.SecurityGroup(stack, 'Extra', { vpc });
    new AuroraPostgres(stack, 'rds', { vpc, extraSecurityGroups: [extra] });
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBCluster', {
      VpcSecurityGroupIds: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsSecurityGroup'), 'GroupId'] },
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^Extra'), 'GroupId'] },
      ],
    });
  });

  test('connections.allowDefaultPortFrom admits a peer on the port', () => {
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc, allowFromVpcCidr: false });
    const app = new ec2.SecurityGroup(stack, 'App', { vpc });
    db.connections.allowDefaultPortFrom(app);
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
    const { stack } = testStack();
    const vpc = vpcWithReferencedCidr(stack);
    new AuroraPostgres(stack, 'rds', { vpc });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupIngress: [Match.objectLike({ CidrIp: { 'Fn::ImportValue': 'VpcCidr' } })],
    });
  });

  test('isolated subnets are used when the VPC has no private subnets with egress', () => {
    const { stack } = testStack();
    const vpc = new ec2.Vpc(stack, 'Isolated', {
      maxAzs: 2,
      subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    });
    new AuroraPostgres(stack, 'rds', { vpc });
    Template.fromStack(stack).hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Stack.of(stack).resolve(vpc.isolatedSubnets.map(s => s.subnetId)),
    });
  });

  test('storageEncryptionKey is used for storage and Performance Insights; no new key', () => {
    const { stack, vpc } = testStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    new AuroraPostgres(stack, 'rds', { vpc, storageEncryptionKey: key });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResourceProperties('AWS::RDS::DBCluster', {
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
      PerformanceInsightsKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MyKey'), 'Arn'] },
    });
  });

  test('iamAuthentication false', () => {
    const { template } = synth({ iamAuthentication: false });
    template.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: false });
  });

  test('rotation adds a rotation schedule with the interval', () => {
    const { template } = synth({ rotation: true, rotationInterval: Duration.days(7) });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationRules: { ScheduleExpression: 'rate(7 days)' },
    });
  });

  test('cloudwatchLogsRetention, parameters, autoMinorVersionUpgrade, clusterIdentifier', () => {
    const { template } = synth({
      cloudwatchLogsRetention: logs.RetentionDays.ONE_MONTH,
      parameters: { log_min_duration_statement: '1000' },
      autoMinorVersionUpgrade: false,
      clusterIdentifier: 'orders-db',
    });
    template.hasResourceProperties('Custom::LogRetention', { RetentionInDays: 30 });
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: { 'log_min_duration_statement': '1000', 'rds.force_ssl': '1' } });
    template.hasResourceProperties('AWS::RDS::DBInstance', { AutoMinorVersionUpgrade: false });
    template.hasResourceProperties('AWS::RDS::DBCluster', { DBClusterIdentifier: 'orders-db' });
  });

  test('moduleName prefixes the output keys; the default drops non-alphanumerics from the id', () => {
    expect(Object.keys(synth({ moduleName: 'orders' }).template.toJSON().Outputs)).toContain('ordersDbHost');
    expect(Object.keys(synth({}, 'Orders-DB').template.toJSON().Outputs)).toContain('OrdersDBDbHost');
  });

  test('grantReadCredentials and grantConnect', () => {
    const { stack, vpc } = testStack();
    const db = new AuroraPostgres(stack, 'rds', { vpc });
    const role = new iam.Role(stack, 'Eso', { assumedBy: new iam.ServicePrincipal('pods.eks.amazonaws.com') });
    db.grantReadCredentials(role);
    db.grantConnect(role, 'app_user');
    const policy = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policy).toContain('secretsmanager:GetSecretValue');
    expect(policy).toContain('rds-db:connect');
  });

  test("'db.serverless', RDS's own name, is accepted as 'serverless'", () => {
    const { template } = synth({ instanceClass: 'db.serverless' });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' });
    template.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 2 } });
  });

  test.each(['db.r5.large', 'db.r6g.16xlarge', 'db.r6i.32xlarge', 'db.r6gd.xlarge', 'db.r6id.large', 'db.r7g.large',
    'db.r7i.48xlarge', 'db.r8g.large', 'db.r8gd.2xlarge', 'db.x2g.large', 'db.t3.medium', 'db.t4g.large'])('%s is accepted without a warning', cls => {
    const { stack, template } = synth({ instanceClass: cls });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: cls });
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('instanceClass'));
  });

  test('a family the library does not know is a warning (new families are not blocked), with a suggestion', () => {
    const { stack, template } = synth({ instanceClass: 'db.r6x.large' });
    template.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.r6x.large' });
    Annotations.fromStack(stack).hasWarning('/TestStack/rds', Match.stringLikeRegexp("family db\\.r6x is not one this library knows.*Did you mean 'db\\.r6g\\.large'\\?"));
  });

  test('tokens are not validated at construct time; a token class reaches the template whole', () => {
    const { stack, vpc } = testStack();
    const cls = new CfnParameter(stack, 'Class', { default: 'db.r6g.large' }).valueAsString;
    expect(() => new AuroraPostgres(stack, 'rds', { vpc, instanceClass: cls })).not.toThrow();
    const instance = Object.values(Template.fromStack(stack).findResources('AWS::RDS::DBInstance'))[0];
    // 'db.' + the family and size split out of the parameter: 'db.r6g.large' again, not 'db.db.r6g.large'.
    expect(JSON.stringify(instance.Properties.DBInstanceClass)).toMatch(/^\{"Fn::Join":\["",\["db\.",\{"Fn::Join":\["\.",\[\{"Fn::Select":\[1,\{"Fn::Split":\["\.",\{"Ref":"Class"\}\]\}\]\},\{"Fn::Select":\[2,/);
  });

  test('private subnets in two AZs pass; an imported VPC with unknown AZs is not checked', () => {
    const { stack } = testStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Tokens', {
      vpcId: 'vpc-1', vpcCidrBlock: '10.0.0.0/16', availabilityZones: Fn.getAzs(), privateSubnetIds: ['subnet-1', 'subnet-2'],
    });
    expect(() => new AuroraPostgres(stack, 'rds', { vpc })).not.toThrow();
  });
});

describe('AuroraPostgres errors', () => {
  const bad = (props: Partial<AuroraPostgresProps>) => () => synth(props);

  test('malformed instanceClass', () => {
    expect(bad({ instanceClass: 'r6g.large' })).toThrow(/invalid instanceClass 'r6g.large'\. Allowed: an Aurora PostgreSQL DB instance class, db\.<family>\.<size>.*Fix: add the 'db\.' prefix: 'db\.r6g\.large'/);
  });

  test('a family Aurora PostgreSQL does not offer', () => {
    expect(bad({ instanceClass: 'db.m6g.large' })).toThrow(/invalid instanceClass 'db\.m6g\.large'\. Allowed: an instance class family that Aurora PostgreSQL offers \(db\.r5, .*\); db\.m6g is not one of them\. Fix: use a memory-optimized class/);
  });

  test('a size the family is not offered in', () => {
    expect(bad({ instanceClass: 'db.t4g.micro' })).toThrow(/invalid instanceClass 'db\.t4g\.micro'\. Allowed: db\.t4g in the sizes Aurora PostgreSQL offers: medium, large\. Fix: choose one of 'db\.t4g\.medium', 'db\.t4g\.large'/);
  });

  test('a typo in the size', () => {
    expect(bad({ instanceClass: 'db.t4g.medum' })).toThrow(/invalid instanceClass 'db\.t4g\.medum'\. Allowed: .*'medum' is an unknown size\. Fix: did you mean 'medium'\? Use 'db\.t4g\.medium'/);
  });

  test('a VPC whose private subnets are all in one Availability Zone', () => {
    const stack = new Stack(undefined, 'OneAz', { env: { account: '123456789012', region: 'us-east-1' } });
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 1 });
    expect(() => new AuroraPostgres(stack, 'rds', { vpc })).toThrow(
      /invalid vpc '1 subnet\(s\) in dummy1a'\. Allowed: private or isolated subnets in at least two Availability Zones: Aurora's DB subnet group must span two AZs, even for a single instance\. Fix: give the VPC private subnets in a second AZ \(ec2\.Vpc maxAzs: 2 or more\)/);
  });

  test('vpcSubnets in one Availability Zone', () => {
    const { stack, vpc } = testStack({ env: { account: '123456789012', region: 'us-east-1' } });
    const vpcSubnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, availabilityZones: ['dummy1a'] };
    expect(() => new AuroraPostgres(stack, 'rds', { vpc, vpcSubnets }))
      .toThrow(/invalid vpcSubnets '1 subnet\(s\) in dummy1a'\. Allowed: private or isolated subnets in at least two Availability Zones.*Fix: select subnets of two or more AZs/);
  });

  test('instances out of range', () => {
    expect(bad({ instances: 17 })).toThrow(/invalid instances 17\. Allowed: a whole number from 1 to 16/);
  });

  test('instances not whole', () => {
    expect(bad({ instances: 1.5 })).toThrow(/invalid instances 1\.5/);
  });

  test('instances together with multiAz', () => {
    expect(bad({ instances: 2, multiAz: true })).toThrow(/invalid instances 2\. Allowed: either multiAz: true .* or instances, not both/);
  });

  test('backupRetention over 35 days', () => {
    expect(bad({ backupRetention: Duration.days(36) })).toThrow(/invalid backupRetention '36 days'.*1 to 35/);
  });

  test('backupRetention not whole days', () => {
    expect(bad({ backupRetention: Duration.hours(36) })).toThrow(/invalid backupRetention '1 day 12 hours'/);
  });

  test('invalid databaseName', () => {
    expect(bad({ databaseName: '1-orders' })).toThrow(/invalid databaseName '1-orders'.*a letter, then letters, digits or underscores/);
  });

  test('reserved databaseName', () => {
    expect(bad({ databaseName: 'template1' })).toThrow(/invalid databaseName 'template1'/);
  });

  test('invalid masterUsername', () => {
    expect(bad({ masterUsername: 'rdsadmin' })).toThrow(/invalid masterUsername 'rdsadmin'/);
  });

  test('port out of range', () => {
    expect(bad({ port: 80 })).toThrow(/invalid port 80\. Allowed: a whole number from 1150 to 65535/);
  });

  test('a VPC with no private subnets', () => {
    const { stack } = testStack();
    const vpc = new ec2.Vpc(stack, 'PublicOnly', { subnetConfiguration: [{ name: 'pub', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new AuroraPostgres(stack, 'rds', { vpc })).toThrow(/invalid vpc 'TestStack\/PublicOnly'\. Allowed: a VPC with private subnets/);
  });

  test('vpcSubnets selecting public subnets', () => {
    expect(bad({ vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } })).toThrow(/invalid vpcSubnets 'subnetType PUBLIC'/);
  });

  test('vpcSubnets naming a public subnet by group', () => {
    expect(bad({ vpcSubnets: { subnetGroupName: 'Public' } })).toThrow(/invalid vpcSubnets 'TestStack\/Vpc\/PublicSubnet1/);
  });

  test('rotationInterval without rotation', () => {
    expect(bad({ rotationInterval: Duration.days(3) })).toThrow(/invalid rotationInterval '3 days'\. Allowed: only together with rotation: true/);
  });

  test('a moduleName that is not letters and digits', () => {
    expect(bad({ moduleName: 'orders_db' })).toThrow(/invalid moduleName 'orders_db'/);
  });

  test('two databases with the same moduleName in one stack', () => {
    const { stack, vpc } = testStack();
    new AuroraPostgres(stack, 'a', { vpc, moduleName: 'orders' });
    expect(() => new AuroraPostgres(stack, 'b', { vpc, moduleName: 'orders' }))
      .toThrow(/invalid moduleName 'orders'\. Allowed: a module name not used by another AuroraPostgres in the same stack/);
  });
});
