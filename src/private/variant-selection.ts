import { Annotations, Stack, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { ClusterVariant } from './cluster-variant';
import { throwPropError } from './errors';
import { GlobalPrimaryVariant } from './global-primary-variant';
import { GlobalSecondaryVariant } from './global-secondary-variant';
import { isSecretName, SECRET_NAME_RULE } from './names';
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

/**
 * Validates the props that choose the variant and returns it, refusing the combinations that Opta refused and
 * the ones AWS refuses, each with the prop, the value, what is allowed and the fix. Creates no resource.
 */
export function selectVariant(scope: IConstruct, props: VariantProps, moduleName: string): ClusterVariant {
  validateSecondaryCombination(scope, props);
  validateVariantCombination(scope, props);
  // Each value is checked on its own first, then what the variant requires.
  const snapshot = props.restoreFromSnapshot !== undefined ? validateSnapshot(scope, props.restoreFromSnapshot) : undefined;
  const primaryId = props.createGlobalDatabase ? validatePrimaryId(scope, props.globalDatabaseId, moduleName) : undefined;
  const replicaRegions = props.createGlobalDatabase ? validateReplicaRegions(scope, props.secretReplicaRegions ?? []) : [];
  if (props.existingGlobalDatabaseId !== undefined) {
    validateGlobalId(scope, 'existingGlobalDatabaseId', props.existingGlobalDatabaseId);
    validatePrimarySecretName(scope, props.primarySecretName);
  }
  validateVariantRequirements(scope, props);
  const base = snapshot !== undefined ? new SnapshotVariant(snapshot, props.snapshotUsername) : new StandardVariant();
  if (primaryId !== undefined) return new GlobalPrimaryVariant(base, primaryId, replicaRegions);
  if (props.existingGlobalDatabaseId !== undefined) {
    return new GlobalSecondaryVariant(props.existingGlobalDatabaseId, props.primarySecretName);
  }
  return base;
}

/** What a global secondary (existingGlobalDatabaseId) cannot be given: it is the primary's replica. */
function validateSecondaryCombination(scope: IConstruct, props: VariantProps): void {
  if (props.existingGlobalDatabaseId === undefined) return;
  if (props.createGlobalDatabase) {
    throwPropError(scope, {
      code: 'GLOBAL_PRIMARY_AND_SECONDARY',
      prop: 'createGlobalDatabase',
      value: true,
      allowed: 'not together with existingGlobalDatabaseId (a cluster is either the primary of a new global database or a secondary of an existing one)',
      fix: 'drop createGlobalDatabase in the secondary\'s stack, or drop existingGlobalDatabaseId in the primary\'s',
    });
  }
  if (props.restoreFromSnapshot !== undefined) {
    throwPropError(scope, {
      code: 'SECONDARY_FROM_SNAPSHOT',
      prop: 'restoreFromSnapshot',
      value: props.restoreFromSnapshot,
      allowed: 'not together with existingGlobalDatabaseId (a secondary replicates the primary\'s data)',
      fix: 'restore the snapshot in the primary\'s stack, or drop restoreFromSnapshot',
    });
  }
  if (props.databaseName !== undefined) {
    throwPropError(scope, {
      code: 'SECONDARY_WITH_DATABASE_NAME',
      prop: 'databaseName',
      value: props.databaseName,
      allowed: 'not together with existingGlobalDatabaseId (RDS refuses a database name on a secondary: it has the primary\'s)',
      fix: 'drop databaseName; the link reads it from the primary\'s replicated secret (primarySecretName)',
    });
  }
  if (props.masterUsername !== undefined) {
    throwPropError(scope, {
      code: 'SECONDARY_WITH_MASTER_USERNAME',
      prop: 'masterUsername',
      value: props.masterUsername,
      allowed: 'not together with existingGlobalDatabaseId (a secondary has the primary\'s master user)',
      fix: 'drop masterUsername',
    });
  }
}

/** The props that belong to one variant only. */
function validateVariantCombination(scope: IConstruct, props: VariantProps): void {
  const refuse = (code: string, prop: string, value: unknown, allowed: string, fix: string): never =>
    throwPropError(scope, { code, prop, value, allowed, fix });
  if (props.restoreFromSnapshot !== undefined && props.masterUsername !== undefined) {
    refuse('SNAPSHOT_WITH_MASTER_USERNAME', 'masterUsername', props.masterUsername,
      'not together with restoreFromSnapshot (the master user name of a snapshot cannot change)',
      'use snapshotUsername to state the snapshot\'s master user');
  }
  if (props.snapshotUsername !== undefined && props.restoreFromSnapshot === undefined) {
    refuse('SNAPSHOT_USERNAME_WITHOUT_SNAPSHOT', 'snapshotUsername', props.snapshotUsername, 'only together with restoreFromSnapshot',
      'drop snapshotUsername, or set restoreFromSnapshot');
  }
  if (props.primarySecretName !== undefined && props.existingGlobalDatabaseId === undefined) {
    refuse('PRIMARY_SECRET_NAME_WITHOUT_SECONDARY', 'primarySecretName', props.primarySecretName,
      'only on a global secondary (together with existingGlobalDatabaseId)',
      'drop primarySecretName; on the primary, the secret is named <globalDatabaseId>-credentials and replicated with secretReplicaRegions');
  }
  if (props.secretReplicaRegions !== undefined && !props.createGlobalDatabase) {
    refuse('SECRET_REPLICA_REGIONS_WITHOUT_PRIMARY', 'secretReplicaRegions', props.secretReplicaRegions,
      'only on a global primary (together with createGlobalDatabase: true)', 'drop secretReplicaRegions, or set createGlobalDatabase: true');
  }
  if (props.globalDatabaseId !== undefined && !props.createGlobalDatabase) {
    refuse('GLOBAL_DATABASE_ID_WITHOUT_PRIMARY', 'globalDatabaseId', props.globalDatabaseId,
      'only on a global primary (together with createGlobalDatabase: true)',
      'drop globalDatabaseId; a secondary names the global database with existingGlobalDatabaseId');
  }
}

/** What a variant requires: an explicit engine version on a restore and on global members, credentials on a global restore. */
function validateVariantRequirements(scope: IConstruct, props: VariantProps): void {
  if (props.restoreFromSnapshot !== undefined && props.engineVersion === undefined) {
    throwPropError(scope, {
      code: 'SNAPSHOT_WITHOUT_ENGINE_VERSION',
      prop: 'engineVersion',
      value: undefined,
      allowed: 'an explicit engine version with restoreFromSnapshot: the restore request carries EngineVersion and it must be one the snapshot can be restored to (as a rule its own); the default (17.9) fails for a snapshot of a newer 17 minor and for any snapshot of another major version. This library cannot read the snapshot\'s version at synth time',
      fix: `read it with \`aws rds describe-db-cluster-snapshots --db-cluster-snapshot-identifier ${props.restoreFromSnapshot} --query 'DBClusterSnapshots[0].EngineVersion'\` and pass it, e.g. engineVersion: rds.AuroraPostgresEngineVersion.of('16.6', '16')`,
    });
  }
  // The secondaries read <globalDatabaseId>-credentials (user, password, dbname) through External Secrets.
  if (props.createGlobalDatabase && props.restoreFromSnapshot !== undefined && props.snapshotUsername === undefined) {
    throwPropError(scope, {
      code: 'GLOBAL_RESTORE_WITHOUT_SNAPSHOT_USERNAME',
      prop: 'snapshotUsername',
      value: undefined,
      allowed: 'the snapshot\'s master user name, required with createGlobalDatabase and restoreFromSnapshot: without it no credentials secret is created, so <globalDatabaseId>-credentials never exists and the secondaries\' ExternalSecrets (primarySecretName) fail at run time',
      fix: 'set snapshotUsername to the master user of the snapshot\'s source cluster (a new password is then generated, applied and replicated)',
    });
  }
  if (props.createGlobalDatabase && props.restoreFromSnapshot !== undefined && props.databaseName === undefined) {
    throwPropError(scope, {
      code: 'GLOBAL_RESTORE_WITHOUT_DATABASE_NAME',
      prop: 'databaseName',
      value: undefined,
      allowed: 'the snapshot\'s database name, required with createGlobalDatabase and restoreFromSnapshot: RDS keeps the snapshot\'s database, so only you can say its name, and without it the replicated secret has no dbname key and the secondaries\' ExternalSecrets fail at run time',
      fix: 'set databaseName to the database in the snapshot (Opta\'s database_name, by default \'app\')',
    });
  }
  if ((props.createGlobalDatabase || props.existingGlobalDatabaseId !== undefined) && props.engineVersion === undefined) {
    throwPropError(scope, {
      code: 'GLOBAL_WITHOUT_ENGINE_VERSION',
      prop: 'engineVersion',
      value: undefined,
      allowed: `an explicit engine version on a member of an Aurora Global Database (this cluster is a global ${props.createGlobalDatabase ? 'primary' : 'secondary'}): every member must run the same version, and a default that moves with an upgrade of this library would change a member's EngineVersion, which RDS refuses for global members (upgrade the global cluster instead; see docs/variants.md, "Global database lifecycle")`,
      fix: 'pin the same version on both sides, e.g. engineVersion: rds.AuroraPostgresEngineVersion.VER_17_9; in the secondary\'s stack take the primary\'s <moduleName>EngineVersion output',
    });
  }
}

/** The primary's global database id: given, or derived from the stack name (with a warning). */
function validatePrimaryId(scope: IConstruct, given: string | undefined, moduleName: string): string {
  const id = given ?? defaultGlobalId(scope, moduleName);
  validateGlobalId(scope, 'globalDatabaseId', id);
  if (given === undefined) {
    Annotations.of(scope).addWarningV2('cdk-aurora-postgres:defaultGlobalDatabaseId',
      `globalDatabaseId is derived from the stack name and moduleName ('${id}'): renaming either would replace the global cluster, `
      + 'which CloudFormation cannot do for a resource with a fixed name. Fix: set globalDatabaseId explicitly (it also names the secret <id>-credentials).');
  }
  return id;
}

/** The name of the primary's replicated secret, as a secondary gives it. */
function validatePrimarySecretName(scope: IConstruct, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name) || isSecretName(name)) return;
  throwPropError(scope, {
    code: 'PRIMARY_SECRET_NAME_INVALID',
    prop: 'primarySecretName',
    value: name,
    allowed: SECRET_NAME_RULE,
    fix: 'give the name of the primary\'s credentials secret (by default <globalDatabaseId>-credentials)',
  });
}

/** The default global database id: `<stackName>-<moduleName>`, lowercased, as RDS identifiers are. */
export function defaultGlobalId(scope: IConstruct, moduleName: string): string {
  const stackName = Stack.of(scope).stackName;
  if (Token.isUnresolved(stackName)) {
    throwPropError(scope, {
      code: 'GLOBAL_DATABASE_ID_UNKNOWN_STACK_NAME',
      prop: 'globalDatabaseId',
      value: undefined,
      allowed: 'a global database id; the default is <stackName>-<moduleName>, and this stack\'s name is not known at synth time',
      fix: "set globalDatabaseId, e.g. globalDatabaseId: 'orders-global'",
    });
  }
  return `${stackName}-${moduleName}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 63).replace(/-$/, '');
}

function validateGlobalId(scope: IConstruct, prop: string, id: string): void {
  if (Token.isUnresolved(id)) return;
  if (/[A-Z]/.test(id) && GLOBAL_ID.test(id)) {
    throwPropError(scope, {
      code: 'GLOBAL_ID_UPPER_CASE',
      prop,
      value: id,
      allowed: 'a global database identifier in lower case: RDS stores global database ids in lower case, and the id also names the replicated credentials secret (<id>-credentials), whose name is case-sensitive',
      fix: `use '${id.toLowerCase()}'${prop === 'globalDatabaseId' ? ` (the secret is then '${id.toLowerCase()}-credentials')` : ''}`,
    });
  }
  if (!GLOBAL_ID.test(id)) {
    throwPropError(scope, {
      code: 'GLOBAL_ID_INVALID',
      prop,
      value: id,
      allowed: 'a global database identifier: 1 to 63 lower-case letters, digits and hyphens, starting with a letter, no two hyphens in a row, not ending with a hyphen',
      fix: "use an identifier such as 'orders-global'",
    });
  }
}

function validateReplicaRegions(scope: IConstruct, regions: string[]): string[] {
  const own = Stack.of(scope).region;
  for (const region of regions) {
    if (Token.isUnresolved(region)) continue;
    if (!REGION.test(region)) {
      throwPropError(scope, {
        code: 'SECRET_REPLICA_REGION_INVALID', prop: 'secretReplicaRegions', value: region, allowed: "AWS region names such as 'us-west-2'", fix: 'list the regions of the secondaries',
      });
    }
    if (!Token.isUnresolved(own) && region === own) {
      throwPropError(scope, {
        code: 'SECRET_REPLICA_REGION_OWN',
        prop: 'secretReplicaRegions',
        value: region,
        allowed: `regions other than this stack's own (${own}): the secret already lives here`,
        fix: `drop '${region}' from secretReplicaRegions`,
      });
    }
  }
  if (new Set(regions).size !== regions.length) {
    throwPropError(scope, {
      code: 'SECRET_REPLICA_REGIONS_DUPLICATE', prop: 'secretReplicaRegions', value: regions, allowed: 'each region once', fix: 'remove the duplicates',
    });
  }
  return regions;
}

/** Validates `restoreFromSnapshot` (an Aurora cluster snapshot ARN or id, in this stack's region) and returns it. */
function validateSnapshot(scope: IConstruct, snapshot: string): string {
  if (Token.isUnresolved(snapshot)) return snapshot;
  const allowed = 'an Aurora cluster snapshot ARN (arn:aws:rds:<region>:<account>:cluster-snapshot:<id>) or the id of a cluster snapshot in this account and region';
  if (/^arn:/.test(snapshot)) {
    const arn = CLUSTER_SNAPSHOT_ARN.exec(snapshot);
    if (!arn) {
      const instance = /:rds:[^:]*:[^:]*:snapshot:/.test(snapshot);
      throwPropError(scope, {
        code: 'SNAPSHOT_ARN_INVALID',
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
        code: 'SNAPSHOT_OTHER_REGION',
        prop: 'restoreFromSnapshot',
        value: snapshot,
        allowed: `a cluster snapshot in this stack's region (${region}); this one is in ${arn[1]}`,
        fix: `copy it to ${region} first (aws rds copy-db-cluster-snapshot --source-region ${arn[1]} --region ${region} ...) and restore the copy`,
      });
    }
  } else if (!SNAPSHOT_ID.test(snapshot)) {
    throwPropError(scope, {
      code: 'SNAPSHOT_ID_INVALID',
      prop: 'restoreFromSnapshot',
      value: snapshot,
      allowed,
      fix: 'give the snapshot\'s ARN (required for a snapshot shared from another account) or its identifier',
    });
  }
  return snapshot;
}
