import { Duration, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';
import { validateModuleName } from './names';

/**
 * Validates a module name (the prefix of a database's output keys and env var names) and returns it: the given
 * one, or else the construct id's letters and digits. A token is not checked.
 */
export function validateClusterModuleName(scope: IConstruct, id: string, moduleName: string | undefined): string {
  const name = moduleName ?? id.replace(/[^A-Za-z0-9]/g, '');
  return validateModuleName(scope, 'moduleName', name, "pass moduleName explicitly, e.g. moduleName: 'ordersdb'",
    moduleName ?? `${name} (from the construct id '${id}')`);
}

/** Validates `instances` (1..16) and its conflict with `multiAz`; returns the total number of instances. */
export function validateInstanceCount(scope: IConstruct, instances: number | undefined, multiAz: boolean | undefined): number {
  if (instances !== undefined && multiAz) {
    throwPropError(scope, {
      code: 'INSTANCES_WITH_MULTI_AZ',
      prop: 'instances',
      value: instances,
      allowed: 'either multiAz: true (a writer plus one reader in another AZ) or instances, not both',
      fix: 'drop multiAz and keep instances (any count of 2 or more spreads over AZs), or drop instances',
    });
  }
  if (instances === undefined) return multiAz ? 2 : 1;
  if (!Token.isUnresolved(instances) && (!Number.isInteger(instances) || instances < 1 || instances > 16)) {
    throwPropError(scope, {
      code: 'INSTANCES_RANGE',
      prop: 'instances',
      value: instances,
      allowed: 'a whole number from 1 to 16 (one writer plus up to 15 readers, the Aurora limit)',
      fix: 'choose between 1 and 16 instances',
    });
  }
  return instances;
}

/**
 * RDS's rule for Aurora PostgreSQL's `DatabaseName` and `MasterUsername` (one rule for both): a letter, then letters,
 * digits or underscores; 63 at most.
 */
const RDS_IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const RESERVED_DATABASE_NAMES = ['template0', 'template1', 'rdsadmin'];

/** Validates `databaseName`. */
export function validateDatabaseName(scope: IConstruct, databaseName: string): void {
  if (Token.isUnresolved(databaseName)) return;
  if (!RDS_IDENTIFIER.test(databaseName) || RESERVED_DATABASE_NAMES.includes(databaseName.toLowerCase())) {
    throwPropError(scope, {
      code: 'CLUSTER_DATABASE_NAME_INVALID',
      prop: 'databaseName',
      value: databaseName,
      allowed: `1 to 63 characters: a letter, then letters, digits or underscores; not ${RESERVED_DATABASE_NAMES.join(', ')}`,
      fix: "choose a plain identifier such as 'app' or 'orders'",
    });
  }
}

// `admin` is reserved by Aurora PostgreSQL (RDS refuses it), unlike Aurora MySQL.
const RESERVED_USERNAMES = ['admin', 'rdsadmin', 'rdsrepladmin', 'rds_superuser', 'public', 'none'];

/** Validates a master user name (an RDS identifier, not reserved, not pg_*). */
export function validateUsername(scope: IConstruct, prop: string, username: string): void {
  if (Token.isUnresolved(username)) return;
  const lower = username.toLowerCase();
  if (!RDS_IDENTIFIER.test(username) || RESERVED_USERNAMES.includes(lower) || lower.startsWith('pg_')) {
    throwPropError(scope, {
      code: 'MASTER_USERNAME_INVALID',
      prop,
      value: username,
      allowed: `1 to 63 characters: a letter, then letters, digits or underscores; not ${RESERVED_USERNAMES.join(', ')} nor pg_*`,
      fix: "use 'postgres' (the default) or another plain identifier",
    });
  }
}

/** Validates `backupRetention` (1..35 whole days) and returns it. */
export function validateBackupRetention(scope: IConstruct, retention: Duration): Duration {
  if (retention.isUnresolved()) return retention;
  const days = retention.toDays({ integral: false });
  if (!Number.isInteger(days) || days < 1 || days > 35) {
    throwPropError(scope, {
      code: 'BACKUP_RETENTION_RANGE',
      prop: 'backupRetention',
      value: retention.toHumanString(),
      allowed: 'whole days from 1 to 35 (Aurora keeps automated backups for 1 to 35 days)',
      fix: 'use Duration.days(n) with 1 <= n <= 35, e.g. Duration.days(7)',
    });
  }
  return retention;
}

/** Validates a port number. */
export function validatePort(scope: IConstruct, port: number): void {
  if (Token.isUnresolved(port)) return;
  if (!Number.isInteger(port) || port < 1150 || port > 65535) {
    throwPropError(scope, {
      code: 'CLUSTER_PORT_RANGE',
      prop: 'port',
      value: port,
      allowed: 'a whole number from 1150 to 65535 (the range RDS accepts)',
      fix: 'use 5432 (the default) or another port in that range',
    });
  }
}

/**
 * Validates the subnets the cluster goes into and returns them: the user's selection (refused if it picks public
 * subnets), else the VPC's private subnets with egress, else its isolated subnets. A VPC with neither is refused.
 */
export function validateSubnets(scope: IConstruct, vpc: ec2.IVpc, selection?: ec2.SubnetSelection): ec2.SubnetSelection {
  if (selection) {
    const publicIds = new Set(vpc.publicSubnets.map(s => s.subnetId));
    const picked = selection.subnetType === ec2.SubnetType.PUBLIC
      ? 'subnetType PUBLIC'
      : vpc.selectSubnets(selection).subnets.filter(s => publicIds.has(s.subnetId)).map(s => s.node.path).join(', ');
    if (picked !== '') {
      throwPropError(scope, {
        code: 'SUBNETS_PUBLIC',
        prop: 'vpcSubnets',
        value: picked,
        allowed: 'private subnets only (PRIVATE_WITH_EGRESS or PRIVATE_ISOLATED): the database is never placed where the internet can route to it',
        fix: 'select private or isolated subnets, or leave vpcSubnets out to use the VPC\'s private subnets',
      });
    }
    return selection;
  }
  if (vpc.privateSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  if (vpc.isolatedSubnets.length > 0) return { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
  throwPropError(scope, {
    code: 'VPC_WITHOUT_PRIVATE_SUBNETS',
    prop: 'vpc',
    value: vpc.node.path,
    allowed: 'a VPC with private subnets (PRIVATE_WITH_EGRESS or PRIVATE_ISOLATED) in at least two Availability Zones',
    fix: 'add private subnets to the VPC (ec2.Vpc subnetConfiguration), or pass a VPC that has them',
  });
}

/**
 * Refuses subnets that cover fewer than two Availability Zones: an Aurora DB subnet group must span two, even
 * for a single instance. Skipped when an AZ is a token or not known (an imported subnet without its AZ).
 */
export function validateSubnetZones(scope: IConstruct, vpc: ec2.IVpc, selection: ec2.SubnetSelection, selectionGiven: boolean): void {
  let zones: string[];
  let subnets: string[];
  try {
    const selected = vpc.selectSubnets(selection);
    zones = selected.availabilityZones;
    subnets = selected.subnets.map(s => s.node.path);
  } catch {
    return;
  }
  // A zone from a list token (Fn.getAzs()) reads as '#{Token[...]}', which Token.isUnresolved does not see.
  if (zones.some(z => z === undefined || Token.isUnresolved(z) || z.includes('Token['))) return;
  const distinct = [...new Set(zones)];
  if (distinct.length >= 2) return;
  throwPropError(scope, {
    code: 'SUBNETS_SINGLE_AZ',
    prop: selectionGiven ? 'vpcSubnets' : 'vpc',
    value: `${subnets.length} subnet(s) in ${distinct.length ? distinct.join(', ') : 'no Availability Zone'}`,
    allowed: 'private or isolated subnets in at least two Availability Zones: Aurora\'s DB subnet group must span two AZs, even for a single instance',
    fix: selectionGiven
      ? 'select subnets of two or more AZs (e.g. drop the availabilityZones or subnets filter of vpcSubnets)'
      : 'give the VPC private subnets in a second AZ (ec2.Vpc maxAzs: 2 or more)',
  });
}
