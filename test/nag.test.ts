import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AuroraPostgres } from '../src';
import { nagFindings, testStack, vpcWithReferencedCidr } from './util';

// cdk-nag AwsSolutions over stacks that hold the construct: zero unacknowledged findings. The construct
// acknowledges exactly two rules, each on one resource and with a reason (see aurora-postgres.ts):
// AwsSolutions-SMG4 on the secret while rotation is off, and AwsSolutions-EC23 on the security group only
// when the VPC CIDR is a CloudFormation reference that cdk-nag cannot resolve.
describe('cdk-nag AwsSolutions', () => {
  test('defaults', () => {
    // GIVEN
    const { app, stack, vpc } = testStack();
    new AuroraPostgres(stack, 'rds', { vpc });
    // WHEN
    const findings = nagFindings(app);
    // THEN
    expect(findings).toEqual([]);
  });

  test('multiAz with rotation', () => {
    // GIVEN
    const { app, stack, vpc } = testStack();
    new AuroraPostgres(stack, 'rds', { vpc, multiAz: true, rotation: true });
    // WHEN
    const findings = nagFindings(app);
    // THEN
    expect(findings).toEqual([]);
  });

  test('a VPC whose CIDR is a reference', () => {
    // GIVEN
    const { app, stack } = testStack();
    const vpc = vpcWithReferencedCidr(stack);
    new AuroraPostgres(stack, 'rds', { vpc });
    // WHEN
    const findings = nagFindings(app);
    // THEN
    expect(findings).toEqual([]);
  });

  test('the check is live: an open security group next to the construct is reported', () => {
    // GIVEN
    const { app, stack, vpc } = testStack();
    new AuroraPostgres(stack, 'rds', { vpc });
    const open = new ec2.SecurityGroup(stack, 'Open', { vpc });
    open.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(5432));
    // WHEN
    const findings = nagFindings(app);
    // THEN
    expect(findings).toEqual([expect.objectContaining({ rule: 'AwsSolutions-EC23', path: 'TestStack/Open/Resource' })]);
  });
});
