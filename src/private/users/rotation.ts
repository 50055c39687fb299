import { Aws, CfnMapping, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sam from 'aws-cdk-lib/aws-sam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';

/** What the shared rotation function needs to know about the cluster it serves. */
export interface UserRotationProps {
  readonly vpc: ec2.IVpc;
  /** The cluster's subnets: the function runs next to the cluster. */
  readonly vpcSubnets: ec2.SubnetSelection;
  /** The cluster: admits the function on its port. */
  readonly cluster: ec2.IConnectable;
  /** The master credentials the function logs in with to create `<user>_clone` and set passwords. */
  readonly masterSecret: secretsmanager.ISecret;
}

/** The characters RDS and aws-cdk-lib keep out of generated database passwords (as `DatabaseSecret` does). */
const EXCLUDE_CHARACTERS = " %+~`#$&*()|[]{}:;<>?!'/@\"\\";

/**
 * The one multi-user (alternating users) rotation function of a cluster, shared by all its users: AWS's
 * `SecretsManagerRDSPostgreSQLRotationMultiUser` application, deployed once (a child of the cluster's construct, made by its `ClusterUsers`).
 *
 * One function serves every user: the application's role may read and write any secret whose rotation schedule
 * names this function (its policy's condition `secretsmanager:resource/AllowRotationLambdaArn`), the function
 * reads the master secret from each secret's `masterarn` key, and the application's own policy lets it read
 * exactly that master secret. A user's `RotationSchedule` naming this function is all a user adds, in the
 * user's own stack.
 */
export class UserRotation extends Construct {
  /** The rotation function, for `RotationSchedule`s (its ARN is the application's output). */
  public readonly function: lambda.IFunction;

  constructor(scope: Construct, id: string, props: UserRotationProps) {
    super(scope, id);
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `Alternating-users password rotation for ${scope.node.path}`,
    });
    props.cluster.connections.allowDefaultPortFrom(securityGroup, 'PostgreSQL users\' password rotation function');
    const application = secretsmanager.SecretRotationApplication.POSTGRES_ROTATION_MULTI_USER;
    const partitions = ['aws', 'aws-cn', 'aws-us-gov'];
    const mapping = new CfnMapping(this, 'SARMapping', {
      mapping: Object.fromEntries(partitions.map(p => [p, {
        applicationId: application.applicationArnForPartition(p),
        semanticVersion: application.semanticVersionForPartition(p),
      }])),
    });
    const uniqueId = Names.uniqueId(this);
    const stack = Stack.of(this);
    const parameters: Record<string, string> = {
      endpoint: `https://secretsmanager.${stack.region}.${stack.urlSuffix}`,
      functionName: uniqueId.slice(-64),
      vpcSubnetIds: props.vpc.selectSubnets(props.vpcSubnets).subnetIds.join(','),
      vpcSecurityGroupIds: securityGroup.securityGroupId,
      excludeCharacters: EXCLUDE_CHARACTERS,
      masterSecretArn: props.masterSecret.secretArn,
    };
    if (props.masterSecret.encryptionKey) parameters.masterSecretKmsKeyArn = props.masterSecret.encryptionKey.keyArn;
    const app = new sam.CfnApplication(this, 'Resource', {
      location: {
        applicationId: mapping.findInMap(Aws.PARTITION, 'applicationId'),
        semanticVersion: mapping.findInMap(Aws.PARTITION, 'semanticVersion'),
      },
      parameters,
    });
    app.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.function = lambda.Function.fromFunctionArn(this, 'Function', app.getAtt('Outputs.RotationLambdaARN').toString());
  }
}
