import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AuroraPostgres } from '../../src';
import { nagFindings } from '../util';

const env = { account: '123456789012', region: 'us-east-1' };

/** A VPC with isolated subnets only (no NAT, no internet gateway): nothing in it reaches a public AWS endpoint. */
function isolatedStack() {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'TestStack', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'db', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  vpc.addFlowLog('FlowLog');
  return { app, stack, vpc };
}

function endpoints(stack: Stack) {
  return Object.values<any>(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))
    .filter(e => JSON.stringify(e.Properties.ServiceName).includes('secretsmanager'));
}

describe('isolated subnets of a VPC the app defines', () => {
  test('master rotation: an interface endpoint for Secrets Manager, private DNS on, in the cluster\'s subnets', () => {
    // GIVEN
    const { stack, vpc } = isolatedStack();
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc, rotation: true });
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: Match.anyValue(),
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      VpcId: { Ref: Match.stringLikeRegexp('^Vpc') },
      SubnetIds: [{ Ref: Match.stringLikeRegexp('^VpcdbSubnet1') }, { Ref: Match.stringLikeRegexp('^VpcdbSubnet2') }],
    });
    expect(JSON.stringify(endpoints(stack)[0].Properties.ServiceName)).toMatch(/secretsmanager/);
  });

  test('a database user (the provisioning function calls Secrets Manager): the endpoint too', () => {
    // GIVEN
    const { stack, vpc } = isolatedStack();
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc }).addDatabaseUser('orders', { username: 'orders' });
    // THEN
    expect(endpoints(stack)).toHaveLength(1);
  });

  test('nothing that calls Secrets Manager (no rotation, no user): no endpoint, nothing billed', () => {
    // GIVEN
    const { stack, vpc } = isolatedStack();
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc });
    // THEN
    expect(endpoints(stack)).toHaveLength(0);
  });

  test('two databases in the VPC share one endpoint', () => {
    // GIVEN
    const { stack, vpc } = isolatedStack();
    // WHEN
    new AuroraPostgres(stack, 'orders', { vpc, rotation: true });
    new AuroraPostgres(stack, 'billing', { vpc, rotation: true });
    // THEN
    expect(endpoints(stack)).toHaveLength(1);
  });

  test('the VPC already has a Secrets Manager endpoint: none added (a second one with private DNS would fail)', () => {
    // GIVEN
    const { stack, vpc } = isolatedStack();
    vpc.addInterfaceEndpoint('Mine', { service: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER });
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc, rotation: true });
    // THEN
    expect(endpoints(stack)).toHaveLength(1);
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint'))[0]).toMatch(/^VpcMine/);
  });

  test('secretsManagerEndpoint: false: no endpoint, and a warning that names the missing route', () => {
    // GIVEN
    const { stack, vpc } = isolatedStack();
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc, rotation: true, secretsManagerEndpoint: false });
    // THEN
    expect(endpoints(stack)).toHaveLength(0);
    Annotations.fromStack(stack).hasWarning('/TestStack/rds',
      Match.stringLikeRegexp('isolated subnets of TestStack/Vpc, which has no Secrets Manager interface endpoint'));
  });

  test('cdk-nag finds nothing', () => {
    // GIVEN
    const { app, stack, vpc } = isolatedStack();
    // WHEN
    new AuroraPostgres(stack, 'rds', { vpc, rotation: true });
    // THEN
    expect(nagFindings(app)).toEqual([]);
  });
});

test('private subnets with egress (NAT): no endpoint', () => {
  // GIVEN
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'TestStack', { env });
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  // WHEN
  new AuroraPostgres(stack, 'rds', { vpc, rotation: true });
  // THEN
  expect(endpoints(stack)).toHaveLength(0);
});

test('an imported VPC cannot be inspected: no endpoint, no warning', () => {
  // GIVEN
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'TestStack', { env });
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
    vpcId: 'vpc-1',
    availabilityZones: ['us-east-1a', 'us-east-1b'],
    vpcCidrBlock: '10.0.0.0/16',
    isolatedSubnetIds: ['subnet-1', 'subnet-2'],
  });
  // WHEN
  new AuroraPostgres(stack, 'rds', { vpc, rotation: true });
  // THEN
  expect(endpoints(stack)).toHaveLength(0);
  Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('Secrets Manager'));
});
