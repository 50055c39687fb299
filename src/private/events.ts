import { Annotations, ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** The RDS event categories sent to the alarm topic: what a database team must hear about without asking. */
export const CLUSTER_EVENT_CATEGORIES = ['failover', 'failure', 'maintenance'];
export const INSTANCE_EVENT_CATEGORIES = ['availability', 'failover', 'failure', 'maintenance'];

/**
 * RDS event subscriptions for the cluster and its instances (failovers, failures, maintenance: patches and
 * upgrades applied or scheduled) to the alarm topic. RDS publishes to the topic as `events.rds.amazonaws.com`,
 * which the topic's policy must allow: added here when the topic belongs to this app (an imported topic's policy
 * is its owner's to change: a warning says so). RDS event subscriptions are free; SNS bills the deliveries.
 */
export function createEventSubscriptions(scope: Construct, topic: sns.ITopic, clusterIdentifier: string,
  instanceIdentifiers: string[]): void {
  const stack = Stack.of(scope);
  new rds.CfnEventSubscription(scope, 'ClusterEvents', {
    snsTopicArn: topic.topicArn,
    sourceType: 'db-cluster',
    sourceIds: [clusterIdentifier],
    eventCategories: CLUSTER_EVENT_CATEGORIES,
    enabled: true,
  });
  new rds.CfnEventSubscription(scope, 'InstanceEvents', {
    snsTopicArn: topic.topicArn,
    sourceType: 'db-instance',
    sourceIds: instanceIdentifiers,
    eventCategories: INSTANCE_EVENT_CATEGORIES,
    enabled: true,
  });
  const added = topic.addToResourcePolicy(new iam.PolicyStatement({
    sid: `RdsEvents${scope.node.addr.slice(0, 8)}`,
    principals: [new iam.ServicePrincipal('events.rds.amazonaws.com')],
    actions: ['sns:Publish'],
    resources: [topic.topicArn],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'rds', resource: 'es', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
  // An encrypted topic: RDS must be able to use its key to publish (a no-op for a key this app does not own).
  topic.masterKey?.grant(new iam.ServicePrincipal('events.rds.amazonaws.com'), 'kms:GenerateDataKey*', 'kms:Decrypt');
  if (!added.statementAdded) {
    Annotations.of(scope).addWarningV2('cdk-aurora-postgres:eventTopicPolicy',
      'alarms.topic is imported: allow events.rds.amazonaws.com to sns:Publish to it (and to use its KMS key, if it is encrypted), or RDS events will not arrive.');
  }
}
