import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { ClusterVariant } from './cluster-variant';
import { throwPropError } from './errors';
import { GlobalPrimaryVariant } from './global-primary-variant';
import { GlobalSecondaryVariant } from './global-secondary-variant';
import { SnapshotVariant } from './snapshot-variant';
import { StandardVariant } from './standard-variant';

/** The props that choose a variant, as the user gave them (named as in the public props). */
export interface VariantProps {
  readonly restoreFromSnapshot?: string;
  readonly snapshotUsername?: string;
  readonly createGlobalDatabase?: boolean;
  readonly globalDatabaseId?: string;
  readonly secretReplicaRegions?: string[];
  readonly existingGlobalDatabaseId?: string;
  readonly primarySecretName?: string;
  readonly databaseName?: string;
  readonly masterUsername?: string;
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
}

/** Aurora cluster snapshot ARN: `arn:<partition>:rds:<region>:<account>:cluster-snapshot:<id>`. */
const CLUSTER_SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):cluster-snapshot:([A-Za-z0-9:-]+)$/;
/** A snapshot id (manual `my-snap`, automated `rds:my-cluster-2026-01-01-00-00`) in this account and region. */
const SNAPSHOT_ID = /^(rds:|awsbackup:)?[A-Za-z][A-Za-z0-9-]{0,254}$/;
/** RDS identifiers of global clusters: a letter, then letters, digits, single hyphens; 63 at most. */
const GLOBAL_ID = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;

/**
 * Chooses the cluster variant from the props, refusing the combinations that Opta refused and the ones AWS
 * refuses, each with the prop, the value, what is allowed and the fix.
 */
export function selectVariant(scope: IConstruct, props: VariantProps, moduleName: string): ClusterVariant {
  const refuse = (prop: string, value: unknown, allowed: string, fix: string): never =>
    throwPropError(scope, { prop, value, allowed, fix });

  if (props.existingGlobalDatabaseId !== undefined) {
    if (props.createGlobalDatabase) {
      refuse('createGlobalDatabase', true, 'not together with existingGlobalDatabaseId (a cluster is either the primary of a new global database or a secondary of an existing one)',
        'drop createGlobalDatabase in the secondary\'s stack, or drop existingGlobalDatabaseId in the primary\'s');
    }
    if (props.restoreFromSnapshot !== undefined) {
      refuse('restoreFromSnapshot', props.restoreFromSnapshot, 'not together with existingGlobalDatabaseId (a secondary replicates the primary\'s data)',
        'restore the snapshot in the primary\'s stack, or drop restoreFromSnapshot');
    }
    if (props.databaseName !== undefined) {
      refuse('databaseName', props.databaseName, 'not together with existingGlobalDatabaseId (RDS refuses a database name on a secondary: it has the primary\'s)',
        'drop databaseName; the link reads it from the primary\'s replicated secret (primarySecretName)');
    }
    if (props.masterUsername !== undefined) {
      refuse('masterUsername', props.masterUsername, 'not together with existingGlobalDatabaseId (a secondary has the primary\'s master user)',
        'drop masterUsername');
    }
  }
  if (props.restoreFromSnapshot !== undefined && props.masterUsername !== undefined) {
    refuse('masterUsername', props.masterUsername, 'not together with restoreFromSnapshot (the master user name of a snapshot cannot change)',
      'use snapshotUsername to state the snapshot\'s master user');
  }
  if (props.snapshotUsername !== undefined && props.restoreFromSnapshot === undefined) {
    refuse('snapshotUsername', props.snapshotUsername, 'only together with restoreFromSnapshot', 'drop snapshotUsername, or set restoreFromSnapshot');
  }
  if (props.primarySecretName !== undefined && props.existingGlobalDatabaseId === undefined) {
    refuse('primarySecretName', props.primarySecretName, 'only on a global secondary (together with existingGlobalDatabaseId)',
      'drop primarySecretName; on the primary, the secret is named <globalDatabaseId>-credentials and replicated with secretReplicaRegions');
  }
  if (props.secretReplicaRegions !== undefined && !props.createGlobalDatabase) {
    refuse('secretReplicaRegions', props.secretReplicaRegions, 'only on a global primary (together with createGlobalDatabase: true)',
      'drop secretReplicaRegions, or set createGlobalDatabase: true');
  }
  if (props.globalDatabaseId !== undefined && !props.createGlobalDatabase) {
    refuse('globalDatabaseId', props.globalDatabaseId, 'only on a global primary (together with createGlobalDatabase: true)',
      'drop globalDatabaseId; a secondary names the global database with existingGlobalDatabaseId');
  }

  // Each value is checked on its own first, then what the variant requires.
  const snapshot = props.restoreFromSnapshot !== undefined ? validSnapshot(scope, props.restoreFromSnapshot) : undefined;
  const primaryId = props.createGlobalDatabase ? props.globalDatabaseId ?? defaultGlobalId(scope, moduleName) : undefined;
  if (primaryId !== undefined) validGlobalId(scope, 'globalDatabaseId', primaryId);
  if (primaryId !== undefined && props.globalDatabaseId === undefined) {
    Annotations.of(scope).addWarningV2('cdk-aurora-postgres:defaultGlobalDatabaseId',
      `globalDatabaseId is derived from the stack name and moduleName ('${primaryId}'): renaming either would replace the global cluster, `
      + 'which CloudFormation cannot do for a resource with a fixed name. Fix: set globalDatabaseId explicitly (it also names the secret <id>-credentials).');
  }
  const replicaRegions = props.createGlobalDatabase ? validReplicaRegions(scope, props.secretReplicaRegions ?? []) : [];
  if (props.existingGlobalDatabaseId !== undefined) {
    validGlobalId(scope, 'existingGlobalDatabaseId', props.existingGlobalDatabaseId);
    if (props.primarySecretName !== undefined && !Token.isUnresolved(props.primarySecretName)
      && !SECRET_NAME.test(props.primarySecretName)) {
      refuse('primarySecretName', props.primarySecretName, 'a Secrets Manager secret name: 1 to 512 of letters, digits and /_+=.@-',
        'give the name of the primary\'s credentials secret (by default <globalDatabaseId>-credentials)');
    }
  }

  if (props.restoreFromSnapshot !== undefined && props.engineVersion === undefined) {
    refuse('engineVersion', 'undefined',
      'an explicit engine version with restoreFromSnapshot: the restore request carries EngineVersion and it must be one the snapshot can be restored to (as a rule its own); the default (17.9) fails for a snapshot of a newer 17 minor and for any snapshot of another major version. This library cannot read the snapshot\'s version at synth time',
      `read it with \`aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier ${props.restoreFromSnapshot} --query 'DBClusterSnapshots[0].EngineVersion'\` and pass it, e.g. engineVersion: rds.AuroraPostgresEngineVersion.of('16.6', '16')`);
  }
  if (props.createGlobalDatabase && props.restoreFromSnapshot !== undefined) {
    // The secondaries read <globalDatabaseId>-credentials (user, password, dbname) through External Secrets.
    if (props.snapshotUsername === undefined) {
      refuse('snapshotUsername', 'undefined',
        'the snapshot\'s master user name, required with createGlobalDatabase and restoreFromSnapshot: without it no credentials secret is created, so <globalDatabaseId>-credentials never exists and the secondaries\' ExternalSecrets (primarySecretName) fail at run time',
        'set snapshotUsername to the master user of the snapshot\'s source cluster (a new password is then generated, applied and replicated)');
    }
    if (props.databaseName === undefined) {
      refuse('databaseName', 'undefined',
        'the snapshot\'s database name, required with createGlobalDatabase and restoreFromSnapshot: RDS keeps the snapshot\'s database, so only you can say its name, and without it the replicated secret has no dbname key and the secondaries\' ExternalSecrets fail at run time',
        'set databaseName to the database in the snapshot (Opta\'s database_name, by default \'app\')');
    }
  }
  if ((props.createGlobalDatabase || props.existingGlobalDatabaseId !== undefined) && props.engineVersion === undefined) {
    refuse('engineVersion', 'undefined',
      `an explicit engine version on a member of an Aurora Global Database (this cluster is a global ${props.createGlobalDatabase ? 'primary' : 'secondary'}): every member must run the same version, and a default that moves with an upgrade of this library would change a member's EngineVersion, which RDS refuses for global members (upgrade the global cluster instead; see docs/variants.md, "Global database lifecycle")`,
      'pin the same version on both sides, e.g. engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9; in the secondary\'s stack take the primary\'s <moduleName>EngineVersion output');
  }
  const base = snapshot !== undefined ? new SnapshotVariant(snapshot, props.snapshotUsername) : new StandardVariant();
  if (primaryId !== undefined) return new GlobalPrimaryVariant(base, primaryId, replicaRegions);
  if (props.existingGlobalDatabaseId !== undefined) {
    return new GlobalSecondaryVariant(props.existingGlobalDatabaseId, props.primarySecretName);
  }
  return base;
}

/** The default global database id: `<stackName>-<moduleName>`, lowercased, as RDS identifiers are. */
export function defaultGlobalId(scope: IConstruct, moduleName: string): string {
  const stackName = Stack.of(scope).stackName;
  if (Token.isUnresolved(stackName)) {
    throwPropError(scope, {
      prop: 'globalDatabaseId',
      value: 'undefined',
      allowed: 'a global database id; the default is <stackName>-<moduleName>, and this stack\'s name is not known at synth time',
      fix: "set globalDatabaseId, e.g. globalDatabaseId: 'orders-global'",
    });
  }
  return `${stackName}-${moduleName}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 63).replace(/-$/, '');
}

function validGlobalId(scope: IConstruct, prop: string, id: string): void {
  if (Token.isUnresolved(id)) return;
  if (/[A-Z]/.test(id) && GLOBAL_ID.test(id)) {
    throwPropError(scope, {
      prop,
      value: id,
      allowed: 'a global database identifier in lower case: RDS stores global database ids in lower case, and the id also names the replicated credentials secret (<id>-credentials), whose name is case-sensitive',
      fix: `use '${id.toLowerCase()}'${prop === 'globalDatabaseId' ? ` (the secret is then '${id.toLowerCase()}-credentials')` : ''}`,
    });
  }
  if (!GLOBAL_ID.test(id)) {
    throwPropError(scope, {
      prop,
      value: id,
      allowed: 'a global database identifier: 1 to 63 lower-case letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
      fix: "use an identifier such as 'orders-global'",
    });
  }
}

function validReplicaRegions(scope: IConstruct, regions: string[]): string[] {
  const own = Stack.of(scope).region;
  for (const region of regions) {
    if (Token.isUnresolved(region)) continue;
    if (!REGION.test(region)) {
      throwPropError(scope, {
        prop: 'secretReplicaRegions', value: region, allowed: "AWS region names such as 'us-west-2'", fix: 'list the regions of the secondaries',
      });
    }
    if (!Token.isUnresolved(own) && region === own) {
      throwPropError(scope, {
        prop: 'secretReplicaRegions',
        value: region,
        allowed: `regions other than this stack's own (${own}): the secret already lives here`,
        fix: `drop '${region}' from secretReplicaRegions`,
      });
    }
  }
  if (new Set(regions).size !== regions.length) {
    throwPropError(scope, {
      prop: 'secretReplicaRegions', value: regions, allowed: 'each region once', fix: 'remove the duplicates',
    });
  }
  return regions;
}

/** Validates `restoreFromSnapshot`: an Aurora cluster snapshot ARN or id, in this stack's region. */
function validSnapshot(scope: IConstruct, snapshot: string): string {
  if (Token.isUnresolved(snapshot)) return snapshot;
  const allowed = 'an Aurora cluster snapshot ARN (arn:aws:rds:<region>:<account>:cluster-snapshot:<id>) or the id of a cluster snapshot in this account and region';
  if (/^arn:/.test(snapshot)) {
    const arn = CLUSTER_SNAPSHOT_ARN.exec(snapshot);
    if (!arn) {
      const instance = /:rds:[^:]*:[^:]*:snapshot:/.test(snapshot);
      throwPropError(scope, {
        prop: 'restoreFromSnapshot',
        value: snapshot,
        allowed,
        fix: instance
          ? 'this is a DB instance snapshot (:snapshot:); Aurora restores cluster snapshots (:cluster-snapshot:). Take or copy a cluster snapshot, or migrate the instance snapshot to Aurora first'
          : 'copy the ARN of the cluster snapshot from the RDS console (Snapshots > the snapshot > ARN)',
      });
    }
    const region = Stack.of(scope).region;
    if (!Token.isUnresolved(region) && arn[1] !== region) {
      throwPropError(scope, {
        prop: 'restoreFromSnapshot',
        value: snapshot,
        allowed: `a cluster snapshot in this stack's region (${region}); this one is in ${arn[1]}`,
        fix: `copy it to ${region} first (aws rds copy-db-cluster-snapshot --source-region ${arn[1]} --region ${region} ...) and restore the copy`,
      });
    }
  } else if (!SNAPSHOT_ID.test(snapshot)) {
    throwPropError(scope, {
      prop: 'restoreFromSnapshot',
      value: snapshot,
      allowed,
      fix: 'give the snapshot\'s ARN (required for a snapshot shared from another account) or its identifier',
    });
  }
  return snapshot;
}
