import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DatabasePodIdentity } from '../src';
import { nagFindings, testStack } from './util';

/** A Pod Identity of namespace `orders`, ServiceAccount `orders-db` (or the given names), in a new stack. */
function podIdentity(props: Partial<{ namespace: string; serviceAccount: string }> = {}) {
  const { app, stack } = testStack();
  const identity = new DatabasePodIdentity(stack, 'Orders', {
    clusterName: 'platform', namespace: props.namespace ?? 'orders', serviceAccount: props.serviceAccount ?? 'orders-db',
  });
  return { app, stack, identity };
}

test('a role that EKS Pod Identity assumes and tags, associated with the namespace and ServiceAccount', () => {
  // GIVEN / WHEN
  const { stack, identity } = podIdentity();
  // THEN
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [{ Action: ['sts:AssumeRole', 'sts:TagSession'], Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' } }],
    },
  });
  t.hasResourceProperties('AWS::EKS::PodIdentityAssociation', {
    ClusterName: 'platform',
    Namespace: 'orders',
    ServiceAccount: 'orders-db',
    RoleArn: { 'Fn::GetAtt': [stack.getLogicalId(identity.role.node.defaultChild as iam.CfnRole), 'Arn'] },
  });
  expect(identity.grantPrincipal).toBe(identity.role);
  expect([identity.namespace, identity.serviceAccount]).toEqual(['orders', 'orders-db']);
});

test('grants go to the pods\' role', () => {
  // GIVEN
  const { stack, identity } = podIdentity();
  // WHEN
  iam.Grant.addToPrincipal({ grantee: identity, actions: ['rds-db:connect'], resourceArns: ['arn:aws:rds-db:us-east-1:111111111111:dbuser:cluster-X/orders'] });
  // THEN
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: [{ Action: 'rds-db:connect', Resource: 'arn:aws:rds-db:us-east-1:111111111111:dbuser:cluster-X/orders' }] },
    Roles: [{ Ref: stack.getLogicalId(identity.role.node.defaultChild as iam.CfnRole) }],
  });
});

test('refuses a namespace that is not a DNS label', () => {
  // GIVEN
  const namespace = 'Orders_NS';
  // WHEN / THEN
  expect(() => podIdentity({ namespace })).toThrow(/\[POD_IDENTITY_NAMESPACE_INVALID\] DatabasePodIdentity at 'TestStack\/Orders': invalid namespace 'Orders_NS'/);
});

test('refuses a ServiceAccount name that is not a DNS subdomain', () => {
  // GIVEN
  const serviceAccount = 'orders db';
  // WHEN / THEN
  expect(() => podIdentity({ serviceAccount })).toThrow(/\[POD_IDENTITY_SERVICE_ACCOUNT_INVALID\] .*invalid serviceAccount 'orders db'/);
});

test('cdk-nag clean', () => {
  // GIVEN / WHEN
  const { app } = podIdentity();
  // THEN
  expect(nagFindings(app)).toEqual([]);
});
