import { Aws, CfnElement, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { ProviderFunction } from './provider-function';

/** The tag (key) on every user secret naming its cluster: the cluster's provisioning function may read those. */
export const CLUSTER_TAG_KEY = 'cdk-aurora-postgres:cluster';

/** What the provisioner needs to know about the cluster it serves. */
export interface UserProvisionerProps {
  readonly vpc: ec2.IVpc;
  /** The cluster's subnets: the function runs next to the cluster, like the rotation functions. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The cluster: admits the function on its port. */
  readonly cluster: ec2.IConnectable;
  /** The master credentials the function logs in with. */
  readonly masterSecret: secretsmanager.ISecret;
  /** The value of the `CLUSTER_TAG_KEY` tag on the secrets of this cluster's users: the function reads those. */
  readonly clusterTag: string;
}

/**
 * The one user provisioning function of a cluster (a child of the cluster's construct, made once by its
 * `ClusterUsers` and shared by all its users) and the CDK provider framework in front of it. The function runs in the cluster's private subnets with
 * a security group the cluster admits, and may read exactly the master secret and the secrets tagged as this
 * cluster's users' (`cdk-aurora-postgres:cluster`): one statement whatever the number of users, which names no
 * user's secret, so users in other stacks add nothing to this one.
 */
export class UserProvisioner extends Construct {
  public readonly serviceToken: string;
  public readonly function: ProviderFunction;
  public readonly securityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: UserProvisionerProps) {
    super(scope, id);
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `PostgreSQL user provisioning for ${scope.node.path}`,
      // PostgreSQL and the Secrets Manager API (through NAT or a VPC endpoint), like the rotation functions.
      allowAllOutbound: true,
    });
    const groups = props.cluster.connections.securityGroups;
    const before = new Set(groups.flatMap(g => g.node.children));
    props.cluster.connections.allowDefaultPortFrom(this.securityGroup, 'PostgreSQL user provisioning function');
    const ingressRules = groups.flatMap(g => g.node.children).filter(c => !before.has(c));

    this.function = new ProviderFunction(this, 'Function', {
      description: `Creates and grants the PostgreSQL users of ${scope.node.path} (cdk-aurora-postgres)`,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: [this.securityGroup],
      timeout: Duration.minutes(5),
      memorySize: 256,
    });
    // The function must reach the cluster when it runs (and still when it drops users on stack deletion).
    this.function.node.addDependency(...ingressRules);
    this.allowReading(props.masterSecret);
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      // Pseudo parameters, not the stack's literal region and account: one resource string for cdk-nag.
      resources: [`arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:*`],
      conditions: { StringEquals: { [`secretsmanager:ResourceTag/${CLUSTER_TAG_KEY}`]: props.clusterTag } },
    }));

    const provider = new cr.Provider(this, 'Provider', { onEventHandler: this.function });
    this.serviceToken = provider.serviceToken;
    this.acknowledge(provider);
  }

  /** Lets the function read one secret (GetSecretValue on exactly its ARN; decrypt with its key if it has one). */
  public allowReading(secret: secretsmanager.ISecret): void {
    this.function.addToRolePolicy(new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue'],
      resources: [secret.secretFullArn ?? `${secret.secretArn}-??????`],
    }));
    secret.encryptionKey?.grantDecrypt(this.function);
  }

  private acknowledge(provider: cr.Provider): void {
    const managed = (name: string) => `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`;
    Validations.of(this.function).acknowledge(
      { id: managed('AWSLambdaBasicExecutionRole'), reason: 'The AWS-managed minimum for a function: its own logs.' },
      { id: managed('AWSLambdaVPCAccessExecutionRole'), reason: 'The AWS-managed minimum for a function in a VPC: its network interfaces.' },
    );
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:*]',
      reason: `GetSecretValue only on the secrets tagged ${CLUSTER_TAG_KEY} with this cluster (the users' secrets, in whatever stack), a condition of the statement.`,
    });
    const fn = Stack.of(this).getLogicalId(this.function.node.defaultChild as CfnElement);
    Validations.of(provider).acknowledge(
      { id: managed('AWSLambdaBasicExecutionRole'), reason: 'The CDK provider framework\'s function: its own logs only.' },
      {
        id: `AwsSolutions-IAM5[Resource::<${fn}.Arn>:*]`,
        reason: 'The CDK provider framework may invoke the provisioning function and its versions (<function arn>:*), nothing else.',
      },
    );
  }
}
