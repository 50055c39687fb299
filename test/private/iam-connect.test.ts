import { Stack } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { dbUserArn, proxyResourceId } from '../../src/private/iam-connect';
import { testStack } from '../util';

describe('dbUserArn', () => {
  test('a cluster resource id in the stack\'s partition, region and account', () => {
    // GIVEN
    const stack = new Stack(undefined, 'S', { env: { account: '111111111111', region: 'eu-west-1' } });
    // WHEN
    const arn = dbUserArn(stack, { resourceId: 'cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ', username: 'orders' });
    // THEN
    expect(stack.resolve(arn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':rds-db:eu-west-1:111111111111:dbuser:cluster-ABCDEFGHIJKLMNOPQRSTUVWXYZ/orders']],
    });
  });

  test('another region (a global secondary) and a token resource id (DbClusterResourceId)', () => {
    // GIVEN
    const { stack, vpc } = testStack();
    const cluster = new rds.DatabaseCluster(stack, 'Db', {
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_4 }),
      writer: rds.ClusterInstance.serverlessV2('Writer'),
      vpc,
    });
    // WHEN
    const arn = dbUserArn(stack, { resourceId: cluster.clusterResourceIdentifier, username: 'orders', region: 'us-west-2' });
    // THEN
    expect(stack.resolve(arn)).toEqual({
      'Fn::Join': ['', [
        'arn:', { Ref: 'AWS::Partition' }, ':rds-db:us-west-2:', { Ref: 'AWS::AccountId' }, ':dbuser:',
        { 'Fn::GetAtt': [stack.getLogicalId(cluster.node.defaultChild as rds.CfnDBCluster), 'DBClusterResourceId'] }, '/orders',
      ]],
    });
  });
});

describe('proxyResourceId', () => {
  test('the prx- id of a literal proxy ARN', () => {
    // GIVEN / WHEN / THEN
    expect(proxyResourceId('arn:aws:rds:us-east-1:111111111111:db-proxy:prx-0123456789abcdef0')).toBe('prx-0123456789abcdef0');
    expect(proxyResourceId('arn:aws-cn:rds:cn-north-1:111111111111:db-proxy:prx-0a')).toBe('prx-0a');
  });

  test('the seventh field of a token ARN', () => {
    // GIVEN
    const stack = new Stack();
    const arn = new rds.CfnDBProxy(stack, 'Proxy', {
      dbProxyName: 'p', engineFamily: 'POSTGRESQL', roleArn: 'arn:aws:iam::111111111111:role/r', vpcSubnetIds: ['subnet-1'],
    }).attrDbProxyArn;
    // WHEN
    const id = proxyResourceId(arn);
    // THEN
    expect(stack.resolve(id)).toEqual({ 'Fn::Select': [6, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Proxy', 'DBProxyArn'] }] }] });
  });

  test('refuses what is not a proxy ARN', () => {
    // GIVEN
    const clusterArn = 'arn:aws:rds:us-east-1:111111111111:cluster:db';
    // WHEN / THEN
    expect(() => proxyResourceId(clusterArn)).toThrow(/\[IAM_CONNECT_PROXY_ARN_INVALID\] proxyResourceId: invalid proxyArn 'arn:aws:rds:us-east-1:111111111111:cluster:db'/);
  });
});
