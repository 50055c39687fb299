import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AuroraPostgres, AuroraPostgresProps } from '../src';
import { nagFindings, testStack } from './util';

const env = { account: '123456789012', region: 'us-east-1' };
const SNAPSHOT = 'arn:aws:rds:us-east-1:123456789012:cluster-snapshot:before-migration';

/** Synthesizes once; with `nag`, cdk-nag runs in that one synthesis (a second synthesis would not run it). */
function synth(props: Partial<AuroraPostgresProps> = {}, nag = false) {
  const { app, stack, vpc } = testStack({ env });
  const db = new AuroraPostgres(stack, 'rds', { vpc, ...props });
  const findings = nag ? nagFindings(app) : undefined;
  return { app, stack, vpc, db, findings, template: Template.fromStack(stack) };
}

function outputs(template: Template): Record<string, any> {
  return template.toJSON().Outputs;
}

/** The logical id of the only resource of a type whose id starts with a prefix. */
function idOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(template.findResources(type)).filter(id => id.startsWith(prefix));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** WHEN: a standard cluster with a proxy; its template and the logical ids of the proxy's and cluster's groups. */
function proxiedCluster(props: Partial<AuroraPostgresProps> = {}) {
  const result = synth({ proxy: true, ...props });
  const proxySg = idOf(result.template, 'AWS::EC2::SecurityGroup', 'rdsProxySecurityGroup');
  const clusterSg = idOf(result.template, 'AWS::EC2::SecurityGroup', 'rdsSecurityGroup');
  return { ...result, proxySg, clusterSg };
}

describe('proxy: true on a standard cluster', () => {

  test('an RDS Proxy for PostgreSQL, TLS required, in the private subnets, logging in with the master secret', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db, proxySg } = proxiedCluster();
    // THEN
    template.resourceCountIs('AWS::RDS::DBProxy', 1);
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      EngineFamily: 'POSTGRESQL',
      RequireTLS: true,
      Auth: [{ AuthScheme: 'SECRETS', IAMAuth: 'DISABLED', SecretArn: { Ref: Match.stringLikeRegexp('^rdsSecretAttachment') } }],
      VpcSubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcPrivateSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcPrivateSubnet2') }],
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [proxySg, 'GroupId'] }],
    });
    template.hasResourceProperties('AWS::RDS::DBProxyTargetGroup', {
      DBClusterIdentifiers: [{ Ref: Match.stringLikeRegexp('^rdsCluster') }],
    });
    expect(db.proxy).toBeDefined();
  });

  test('the VPC-CIDR rule moves to the proxy; the cluster admits the proxy only', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, proxySg, clusterSg } = proxiedCluster();
    // THEN
    const groups = template.findResources('AWS::EC2::SecurityGroup');
    expect(groups[proxySg].Properties.SecurityGroupIngress).toEqual([
      expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' }),
    ]);
    expect(groups[clusterSg].Properties.SecurityGroupIngress).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [clusterSg, 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [proxySg, 'GroupId'] },
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsCluster'), 'Endpoint.Port'] },
    });
    // The proxy's only way out is to the cluster.
    expect(groups[proxySg].Properties.SecurityGroupEgress).toBeUndefined(); // no allow-all rule
    template.resourceCountIs('AWS::EC2::SecurityGroupEgress', 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [proxySg, 'GroupId'] },
      DestinationSecurityGroupId: { 'Fn::GetAtt': [clusterSg, 'GroupId'] },
    });
  });

  test('the link and the outputs point at the proxy endpoint, port 5432; one instance: no reader host', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = proxiedCluster();
    // THEN
    const out = outputs(template);
    expect(out.rdsDbHost.Value['Fn::GetAtt'][0]).toMatch(/^rdsProxy[0-9A-F]{8}$/);
    expect(out.rdsDbHost.Value['Fn::GetAtt'][1]).toBe('Endpoint');
    expect(out.rdsDbHost.Description).toMatch(/RDS Proxy endpoint/);
    expect(out.rdsDbPort.Value).toBe('5432');
    expect(out.rdsDbReaderHost).toBeUndefined();
    expect(db.link.readerHost).toBeUndefined();
    template.resourceCountIs('AWS::RDS::DBProxyEndpoint', 0);
  });

  test('connections admit applications to the proxy', () => {
    // GIVEN
    const { stack, vpc } = testStack({ env });
    const d = new AuroraPostgres(stack, 'rds', { vpc, proxy: true });
    // WHEN
    d.connections.allowDefaultPortFrom(new ec2.SecurityGroup(stack, 'App', { vpc }));
    // THEN
    const t = Template.fromStack(stack);
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: { 'Fn::GetAtt': [idOf(t, 'AWS::EC2::SecurityGroup', 'rdsProxySecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^App'), 'GroupId'] },
      FromPort: 5432,
    });
  });
});

describe('proxy with readers', () => {
  test('the reader host is the cluster\'s reader endpoint, not the proxy\'s read-only endpoint (verify-full fails there); the VPC may reach it', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template } = synth({ proxy: true, multiAz: true });
    // THEN (the read-only endpoint stays, unused by links: removing it would delete a resource on upgrade)
    const proxySg = idOf(template, 'AWS::EC2::SecurityGroup', 'rdsProxySecurityGroup');
    template.hasResourceProperties('AWS::RDS::DBProxyEndpoint', {
      TargetRole: 'READ_ONLY',
      VpcSecurityGroupIds: [{ 'Fn::GetAtt': [proxySg, 'GroupId'] }],
    });
    const cluster = idOf(template, 'AWS::RDS::DBCluster', 'rdsCluster');
    expect(outputs(template).rdsDbReaderHost).toEqual({
      Description: expect.stringMatching(/cluster reader endpoint.*not through the RDS Proxy: verify-full fails on its read-only endpoint/),
      Value: { 'Fn::GetAtt': [cluster, 'ReadEndpoint.Address'] },
    });
    const clusterSg = idOf(template, 'AWS::EC2::SecurityGroup', 'rdsSecurityGroup');
    const ingress = (groupId: string) => [
      ...Object.values<any>(template.findResources('AWS::EC2::SecurityGroupIngress')).map(r => r.Properties)
        .filter(p => JSON.stringify(p.GroupId) === JSON.stringify({ 'Fn::GetAtt': [groupId, 'GroupId'] })),
      ...(template.findResources('AWS::EC2::SecurityGroup')[groupId].Properties.SecurityGroupIngress ?? []),
    ].filter((p: any) => p.CidrIp !== undefined);
    expect(ingress(clusterSg)).toEqual([expect.objectContaining({ FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' })]);
    expect(ingress(proxySg)).toEqual([expect.objectContaining({ FromPort: 5432, ToPort: 5432, IpProtocol: 'tcp' })]);
  });

  test('a cluster port other than the proxy\'s 5432: no reader host (the link has one port)', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { db: other } = synth({ proxy: true, multiAz: true, port: 6543 });
    // THEN
    expect(other.link.readerHost).toBeUndefined();
  });
});

describe('proxy on every variant it applies to', () => {
  test.each<[string, Partial<AuroraPostgresProps>]>([
    ['serverless', { instanceClass: 'serverless' }],
    ['standard with the master\'s single-user rotation', { rotation: true, multiAz: true }],
    ['restored with snapshotUsername', { restoreFromSnapshot: SNAPSHOT, snapshotUsername: 'postgres', engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 }],
    ['global primary', { createGlobalDatabase: true, globalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9, multiAz: true }],
  ])('%s: the proxy logs in with the generated secret, and cdk-nag finds nothing', (_, props) => {
    // GIVEN a stack with a VPC
    // WHEN
    const { findings, template } = synth({ ...props, proxy: true }, true);
    // THEN
    template.hasResourceProperties('AWS::RDS::DBProxy', {
      Auth: [Match.objectLike({ SecretArn: Match.anyValue() })],
      RequireTLS: true,
    });
    // The secret the proxy reads is the one the cluster uses (no second secret).
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    expect(findings).toEqual([]);
  });

  test('a cluster port other than 5432: the cluster admits the proxy on its port, the link says 5432', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = synth({ proxy: true, port: 6000 });
    // THEN
    template.hasResourceProperties('AWS::RDS::DBCluster', { Port: 6000 });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      SourceSecurityGroupId: { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', 'rdsProxySecurityGroup'), 'GroupId'] },
      FromPort: { 'Fn::GetAtt': [Match.stringLikeRegexp('^rdsCluster'), 'Endpoint.Port'] },
    });
    expect(db.link.port).toBe('5432');
  });
});

describe('reader host without a proxy', () => {
  test('the cluster reader endpoint, in the link and in <moduleName>DbReaderHost', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const { template, db } = synth();
    // THEN
    expect(outputs(template).rdsDbReaderHost.Description).toBe('rds: Host of the cluster reader endpoint, for read-only traffic');
    expect(outputs(template).rdsDbReaderHost.Value['Fn::GetAtt']).toEqual([expect.stringMatching(/^rdsCluster[0-9A-F]{8}$/), 'ReadEndpoint.Address']);
    expect(db.link.readerHost).toBeDefined();
    template.resourceCountIs('AWS::RDS::DBProxy', 0);
  });
});

describe('proxy errors', () => {
  test('on a global secondary', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxy: true, existingGlobalDatabaseId: 'orders-global', engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9 });
    // THEN
    expect(create).toThrow(/\[PROXY_ON_GLOBAL_SECONDARY\].*invalid proxy true.*global secondary/);
  });
  test('on a restore without snapshotUsername (no secret)', () => {
    // GIVEN a stack with a VPC
    // WHEN
    const create = () => synth({ proxy: true, restoreFromSnapshot: SNAPSHOT, engineVersion: rds.AuroraPostgresEngineVersion.VER_16_6 });
    // THEN
    expect(create).toThrow(/\[PROXY_WITHOUT_SECRET\].*restored from a snapshot without one/);
  });
});

describe('database users behind the proxy', () => {
  function withUser(dbProps: Partial<AuroraPostgresProps>, rotation: boolean, nag = false) {
    const { app, stack, vpc } = testStack({ env });
    const db = new AuroraPostgres(stack, 'rds', { vpc, proxy: true, ...dbProps });
    const user = db.addDatabaseUser('orders', { username: 'orders', databaseName: 'orders', rotation });
    const findings = nag ? nagFindings(app) : undefined;
    return { stack, db, user, findings, template: Template.fromStack(stack) };
  }

  const ref = (stack: Stack, secret: { node: { defaultChild?: unknown } }) => stack.resolve((secret.node.defaultChild as any).logicalId);

  test('the proxy logs in with the master secret and the user\'s secret, and may read both', () => {
    // GIVEN a database with a proxy and readers
    // WHEN a user without rotation is added
    const { stack, user, template } = withUser({ multiAz: true }, false);
    // THEN
    const auth = Object.values<any>(template.findResources('AWS::RDS::DBProxy'))[0].Properties.Auth;
    expect(auth).toEqual([
      { AuthScheme: 'SECRETS', IAMAuth: 'DISABLED', SecretArn: { Ref: expect.stringMatching(/^rdsSecretAttachment/) } },
      { AuthScheme: 'SECRETS', IAMAuth: 'DISABLED', SecretArn: { Ref: expect.stringMatching(/^rdsordersSecretAttachment/) } },
    ]);
    const role = idOf(template, 'AWS::IAM::Role', 'rdsProxyRole');
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy'))
      .filter(p => p.Properties.Roles.some((r: any) => r.Ref === role))
      .flatMap(p => p.Properties.PolicyDocument.Statement);
    const readable = statements.filter(s => [s.Action].flat().includes('secretsmanager:GetSecretValue')).map(s => s.Resource);
    expect(readable).toEqual(expect.arrayContaining([{ Ref: expect.stringMatching(/^rdsSecretAttachment/) }, { Ref: expect.stringMatching(/^rdsordersSecretAttachment/) }]));
    expect(ref(stack, user.secret!)).toBeDefined();
  });

  test('the user\'s link and outputs go through the proxy (port 5432), reader host: the cluster\'s reader endpoint', () => {
    // GIVEN a database with a proxy and readers
    // WHEN a user without rotation is added
    const { stack, db, user, template } = withUser({ multiAz: true }, false);
    // THEN
    expect(stack.resolve(user.link.host)).toEqual(stack.resolve(db.link.host));
    expect(user.link.port).toBe('5432');
    expect(stack.resolve(user.link.readerHost)).toEqual(stack.resolve(db.link.readerHost));
    // The user's outputs name the cluster's, whose host and port are the proxy's.
    const out = outputs(template);
    expect(JSON.parse(out.rdsOrdersDbUserLink.Value)).toMatchObject({ cluster: 'rds', stack: 'TestStack' });
    expect(out.rdsDbHost.Description).toMatch(/RDS Proxy endpoint/);
    expect(out.rdsDbPort.Value).toBe('5432');
  });

  test('the user\'s directLink (migrations) goes straight to the writer endpoint and port, with the user\'s secret', () => {
    // GIVEN a database with a proxy and readers
    // WHEN a user without rotation is added
    const { stack, user } = withUser({ multiAz: true }, false);
    // THEN
    expect(stack.resolve(user.directLink.host)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'Endpoint.Address'] });
    expect(user.directLink.port).toBe('5432'); // the cluster's port as given
    expect(stack.resolve(user.directLink.secretArn)).toEqual(stack.resolve(user.link.secretArn));
    expect(stack.resolve(user.link.host)).not.toEqual(stack.resolve(user.directLink.host));
    expect(user.directLink.password).toBeUndefined();
  });

  test('the provisioning function still connects to the writer endpoint, not the proxy', () => {
    // GIVEN a database with a proxy and readers
    // WHEN a user without rotation is added
    const { template } = withUser({ multiAz: true }, false);
    // THEN
    const resource = Object.values<any>(template.findResources('Custom::PostgresUser'))[0];
    expect(resource.Properties.Host).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^rdsCluster/), 'Endpoint.Address'] });
  });

  test('cdk-nag finds nothing', () => {
    // GIVEN a database with a proxy and readers
    // WHEN a user without rotation is added
    const { findings } = withUser({ multiAz: true }, false, true);
    // THEN
    expect(findings).toEqual([]);
  });

  test('a user rotated with alternating users is refused on a database with a proxy', () => {
    // GIVEN a database with a proxy
    // WHEN a user with rotation is added
    const create = () => withUser({}, true);
    // THEN
    expect(create).toThrow(
      /DatabaseUser at 'TestStack\/rds\/orders': invalid rotation true\. Allowed: false on a database with an RDS Proxy .*current version of each secret only.*Fix: set rotation: false on this user/);
  });
});

describe('which links go through the proxy (rdsProxy: the chart trusts the proxy roots only for those)', () => {
  test('the database\'s and its users\' links do, a user\'s directLink and a cluster without a proxy do not', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const proxied = new AuroraPostgres(stack, 'rds', { vpc, proxy: true });
    const direct = new AuroraPostgres(stack, 'other', { vpc });
    // WHEN
    const user = proxied.addDatabaseUser('orders', { username: 'orders', rotation: false });
    const other = direct.addDatabaseUser('billing', { username: 'billing' });
    // THEN
    expect([proxied.link.rdsProxy, user.link.rdsProxy, user.directLink.rdsProxy]).toEqual([true, true, false]);
    expect([direct.link.rdsProxy, other.link.rdsProxy]).toEqual([false, false]);
  });
});
