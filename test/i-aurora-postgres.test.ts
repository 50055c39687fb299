import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AuroraPostgres, DatabaseLink, DatabaseUser, IAuroraPostgres } from '../src';
import { testStack } from './util';

const env = { account: '123456789012', region: 'us-east-1' };
const HOST = 'legacy.cluster-abc.us-east-1.rds.amazonaws.com';
const READER = 'legacy.cluster-ro-abc.us-east-1.rds.amazonaws.com';

/** GIVEN: a stack with a VPC and a cluster imported with fromClusterAttributes. */
function imported() {
  const { app, stack, vpc } = testStack({ env });
  const db = AuroraPostgres.fromClusterAttributes(stack, 'legacy', {
    clusterIdentifier: 'legacy',
    clusterEndpointAddress: HOST,
    readerEndpointAddress: READER,
    securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0')],
    vpc,
    secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'Master', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:opta-legacy-AbCdEf'),
    masterUsername: 'postgres',
    databaseName: 'app',
  });
  return { app, stack, vpc, db };
}

/** GIVEN an imported cluster; WHEN a user is added to it. */
function importedWithUser() {
  const { stack, db } = imported();
  const user = new DatabaseUser(stack, 'Orders', { database: db, username: 'orders' });
  return { stack, db, user, template: Template.fromStack(stack) };
}

describe('AuroraPostgres.fromClusterAttributes: a cluster this library did not create', () => {
  test('its link: the given endpoints, the master secret', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { db } = imported();
    // THEN
    expect(db.link).toMatchObject({ host: HOST, readerHost: READER, port: '5432', databaseName: 'app', secretArn: db.secret!.secretArn });
    expect(db.moduleName).toBe('legacy');
  });

  test('its outputs, as AuroraPostgres writes them, so users\' outputs can name it', () => {
    // GIVEN an imported cluster
    // WHEN a user is added
    const { template } = importedWithUser();
    // THEN
    const outputs = template.toJSON().Outputs;
    expect(outputs.legacyDbHost.Value).toBe(HOST);
    expect(outputs.legacyDbReaderHost.Value).toBe(READER);
    expect(outputs.legacyDbUser.Value).toBe(DatabaseLink.FROM_SECRET);
  });

  test('a user on it: provisioned against the writer endpoint, the functions admitted through the given security group', () => {
    // GIVEN an imported cluster
    // WHEN a user is added
    const { template, user } = importedWithUser();
    // THEN
    template.hasResourceProperties('Custom::PostgresUser', { Host: HOST, Port: '5432', Username: 'orders', DatabaseName: 'app' });
    const ingress = template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: 'sg-0123456789abcdef0' } });
    expect(Object.values<any>(ingress).map(r => r.Properties.Description).sort())
      .toEqual(['PostgreSQL user provisioning function', 'PostgreSQL users\' password rotation function']);
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Tags: [{ Key: 'cdk-aurora-postgres:cluster', Value: 'legacy' }],
    });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', {
      RotationLambdaARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^legacyUserRotation'), 'Outputs.RotationLambdaARN'] },
    });
    expect(user.link.host).toBe(HOST);
  });

  test('a user may not take the master user\'s name', () => {
    // GIVEN
    const s = imported();
    // WHEN
    const create = () => new DatabaseUser(s.stack, 'Bad', { database: s.db, username: 'postgres' });
    // THEN
    expect(create).toThrow(/invalid username 'postgres'/);
  });

  test('a moduleName another database of the stack took is refused before anything is created', () => {
    // GIVEN
    const { stack, vpc } = imported();
    // WHEN
    const create = () => AuroraPostgres.fromClusterAttributes(stack, 'again', {
      moduleName: 'legacy',
      clusterIdentifier: 'legacy',
      clusterEndpointAddress: HOST,
      securityGroups: [],
      vpc,
      secret: secretsmanager.Secret.fromSecretNameV2(stack, 'Other', 'other'),
    });
    // THEN
    expect(create).toThrow(/\[MODULE_NAME_TAKEN\].*'legacy'/);
    expect(stack.node.findChild('again').node.children).toEqual([]);
  });
});

describe('an IAuroraPostgres of someone else\'s', () => {
  test('is refused for users, naming fromClusterAttributes', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env });
    const real = new AuroraPostgres(stack, 'rds', { vpc });
    const foreign: IAuroraPostgres = Object.assign(new Construct(stack, 'Foreign'), {
      cluster: real.cluster, connections: real.connections, moduleName: 'foreign', link: real.link, vpc, vpcSubnets: real.vpcSubnets,
    });
    // WHEN
    const create = () => new DatabaseUser(Stack.of(real), 'User', { database: foreign, username: 'orders', databaseName: 'orders' });
    // THEN
    expect(create).toThrow(
      /DatabaseUser at 'TestStack\/User': invalid database 'TestStack\/Foreign'\. Allowed: an AuroraPostgres, or a cluster imported with AuroraPostgres\.fromClusterAttributes\. Fix: import the cluster with AuroraPostgres\.fromClusterAttributes/);
  });
});
