import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DatabasePodIdentity } from '../src';
import { nagFindings, testStack } from './util';

function podIdentity(props: Partial<{ namespace: string; serviceAccount: string }> = {}) {
  const { app, stack } = testStack();
  const identity = new DatabasePodIdentity(stack, 'Orders', {
    clusterName: 'platform', namespace: props.namespace ?? 'orders', serviceAccount: props.serviceAccount ?? 'orders-db',
  });
  return { app, stack, identity };
}

test('a role that EKS Pod Identity assumes and tags, associated with the namespace and ServiceAccount', () => {
  const { stack, identity } = podIdentity();
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
  const { stack, identity } = podIdentity();
  iam.Grant.addToPrincipal({ grantee: identity, actions: ['rds-db:connect'], resourceArns: ['arn:aws:rds-db:us-east-1:111111111111:dbuser:cluster-X/orders'] });
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: [{ Action: 'rds-db:connect', Resource: 'arn:aws:rds-db:us-east-1:111111111111:dbuser:cluster-X/orders' }] },
    Roles: [{ Ref: stack.getLogicalId(identity.role.node.defaultChild as iam.CfnRole) }],
  });
});

test('refuses a namespace that is not a DNS label', () => {
  expect(() => podIdentity({ namespace: 'Orders_NS' })).toThrow(
    "DatabasePodIdentity at 'TestStack/Orders': invalid namespace 'Orders_NS'. Allowed: a DNS label: lowercase letters, digits and '-', 63 characters at most. Fix: use the namespace the PostgresLinkChart renders, e.g. 'orders'");
});

test('refuses a ServiceAccount name that is not a DNS subdomain', () => {
  expect(() => podIdentity({ serviceAccount: 'orders db' })).toThrow(
    "invalid serviceAccount 'orders db'. Allowed: a DNS subdomain: lowercase letters, digits, '-' and '.', 253 characters at most. Fix: use the ServiceAccount name the PostgresLinkChart renders");
});

test('cdk-nag clean', () => {
  const { app } = podIdentity();
  expect(nagFindings(app)).toEqual([]);
});
