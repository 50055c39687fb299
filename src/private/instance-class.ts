import { Annotations, Fn, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';
import { SERVERLESS } from './serverless';

/** RDS's own name for the Serverless v2 class, accepted as a synonym of `serverless`. */
const DB_SERVERLESS = 'db.serverless';

/**
 * The instance class families that Aurora PostgreSQL offers (AWS's "Supported DB engines for DB instance
 * classes" for Aurora, late 2026), with the sizes RDS sells in each. Whether a family is offered also depends
 * on the engine version and the region: RDS checks that at deploy time.
 */
const LARGE_UP = ['large', 'xlarge', '2xlarge', '4xlarge', '8xlarge', '12xlarge', '16xlarge', '24xlarge', '32xlarge', '48xlarge'];
const BURSTABLE_SIZES = ['medium', 'large'];
const AURORA_POSTGRES_FAMILIES: Record<string, string[]> = {
  r5: LARGE_UP,
  r6g: LARGE_UP,
  r6i: LARGE_UP,
  r6gd: LARGE_UP,
  r6id: LARGE_UP,
  r7g: LARGE_UP,
  r7i: LARGE_UP,
  r8g: LARGE_UP,
  r8gd: LARGE_UP,
  r9g: LARGE_UP,
  x2g: LARGE_UP,
  t3: BURSTABLE_SIZES,
  t4g: BURSTABLE_SIZES,
};

/** Every size word RDS uses, for typo suggestions. */
const ALL_SIZES = ['micro', 'small', 'medium', ...LARGE_UP, 'metal'];

/** Families that exist in EC2 or RDS but that Aurora PostgreSQL never offers: refused. */
const UNSUPPORTED_FAMILY = /^(m\d|c\d|t2|t1|a1|i\d|d\d|z1d|x1|x1e|x2i|x2iedn|x2idn|r5b|r5d|r5n|r3|g\d|p\d|inf|trn|hpc|u-)/;

/** What an `instanceClass` turned out to be. */
export interface InstanceClassInfo {
  /** `serverless` for Serverless v2 (given as `serverless` or `db.serverless`), else the class as given. */
  readonly instanceClass: string;
  /** The EC2 instance type of a provisioned class (the part after `db.`); undefined for Serverless v2. */
  readonly instanceType?: ec2.InstanceType;
}

/** The Levenshtein distance of two short strings. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The closest candidate within two edits, if any. */
function closest(word: string, candidates: string[]): string | undefined {
  const ranked = candidates.map(c => ({ c, d: distance(word, c) })).sort((x, y) => x.d - y.d);
  return ranked.length > 0 && ranked[0].d <= 2 ? ranked[0].c : undefined;
}

/**
 * Validates `instanceClass` against the classes Aurora PostgreSQL offers: `serverless` (or `db.serverless`),
 * or `db.<family>.<size>`. A family known to be unsupported, or an unknown size of a known family, is an
 * error; a family this library does not know yet is a warning (so new families are not blocked).
 */
export function validateInstanceClass(scope: IConstruct, given: string): InstanceClassInfo {
  if (Token.isUnresolved(given)) {
    // Not checked; a token stands for a provisioned class 'db.<family>.<size>', and RDS's class is 'db.' + type.
    const part = (i: number) => Fn.select(i, Fn.split('.', given));
    return { instanceClass: given, instanceType: new ec2.InstanceType(Fn.join('.', [part(1), part(2)])) };
  }
  if (given === SERVERLESS || given === DB_SERVERLESS) return { instanceClass: SERVERLESS };
  const examples = "'db.t4g.medium', 'db.r6g.large', 'db.r7g.2xlarge' or 'serverless'";
  const shape = /^db\.([a-z][a-z0-9-]*)\.([a-z0-9-]+)$/.exec(given);
  if (!shape) {
    throwPropError(scope, {
      code: 'INSTANCE_CLASS_FORMAT',
      prop: 'instanceClass',
      value: given,
      allowed: `an Aurora PostgreSQL DB instance class, db.<family>.<size> in lower case, e.g. ${examples}`,
      fix: given.startsWith('db.') || !/^[a-z0-9]+\.[a-z0-9]+$/i.test(given)
        ? 'write it as RDS does (see `aws rds describe-orderable-db-instance-options --engine aurora-postgresql --query "OrderableDBInstanceOptions[].DBInstanceClass"`)'
        : `add the 'db.' prefix: 'db.${given.toLowerCase()}'`,
    });
  }
  const [, family, size] = shape;
  const sizes = AURORA_POSTGRES_FAMILIES[family];
  if (sizes === undefined) {
    if (UNSUPPORTED_FAMILY.test(family)) {
      throwPropError(scope, {
        code: 'INSTANCE_CLASS_UNSUPPORTED_FAMILY',
        prop: 'instanceClass',
        value: given,
        allowed: `an instance class family that Aurora PostgreSQL offers (${Object.keys(AURORA_POSTGRES_FAMILIES).map(f => `db.${f}`).join(', ')}, or serverless); db.${family} is not one of them`,
        fix: family.startsWith('t')
          ? "use 'db.t4g.medium' or 'db.t4g.large' for a small database, or 'serverless'"
          : "use a memory-optimized class of the same size, e.g. 'db.r6g.large' or 'db.r7g.large', or 'serverless'",
      });
    }
    const suggestion = closest(family, Object.keys(AURORA_POSTGRES_FAMILIES));
    Annotations.of(scope).addWarningV2('cdk-aurora-postgres:unknownInstanceFamily',
      `instanceClass '${given}': the family db.${family} is not one this library knows Aurora PostgreSQL to offer `
      + `(${Object.keys(AURORA_POSTGRES_FAMILIES).map(f => `db.${f}`).join(', ')}).`
      + (suggestion ? ` Did you mean 'db.${suggestion}.${size}'?` : '')
      + ' If it is new, RDS will check it at deploy time.');
    return { instanceClass: given, instanceType: new ec2.InstanceType(`${family}.${size}`) };
  }
  if (!sizes.includes(size)) {
    const known = ALL_SIZES.includes(size) || /^\d+xlarge$/.test(size);
    const suggestion = known ? undefined : closest(size, sizes);
    throwPropError(scope, {
      code: 'INSTANCE_CLASS_UNKNOWN_SIZE',
      prop: 'instanceClass',
      value: given,
      allowed: known
        ? `db.${family} in the sizes Aurora PostgreSQL offers: ${sizes.join(', ')}`
        : `db.${family}.<size> with a known size (${sizes.join(', ')}); '${size}' is an unknown size`,
      fix: suggestion
        ? `did you mean '${suggestion}'? Use 'db.${family}.${suggestion}'`
        : `choose one of ${sizes.map(s => `'db.${family}.${s}'`).join(', ')}`,
    });
  }
  return { instanceClass: given, instanceType: new ec2.InstanceType(`${family}.${size}`) };
}

/** Whether an instance class is burstable (`db.t*`); undefined when it is a token. */
export function isBurstable(instanceClass: string): boolean | undefined {
  if (Token.isUnresolved(instanceClass)) return undefined;
  return /^db\.t\d/.test(instanceClass);
}

/** GiB of memory per size of the memory-optimized (r) families; x2g has twice as much, burstable classes less. */
const R_MEMORY_GIB: Record<string, number> = {
  'large': 16,
  'xlarge': 32,
  '2xlarge': 64,
  '4xlarge': 128,
  '8xlarge': 256,
  '12xlarge': 384,
  '16xlarge': 512,
  '24xlarge': 768,
  '32xlarge': 1024,
  '48xlarge': 1536,
};
const BURSTABLE_MEMORY_GIB: Record<string, number> = { medium: 4, large: 8 };

/**
 * The memory of a provisioned instance class in GiB (EC2's published sizes), or undefined for a token, an
 * unknown family or Serverless v2.
 */
export function instanceMemoryGiB(instanceClass: string): number | undefined {
  if (Token.isUnresolved(instanceClass)) return undefined;
  const shape = /^db\.([a-z0-9]+)\.([a-z0-9]+)$/.exec(instanceClass);
  if (!shape) return undefined;
  const [, family, size] = shape;
  if (/^t\d/.test(family)) return BURSTABLE_MEMORY_GIB[size];
  if (!(family in AURORA_POSTGRES_FAMILIES)) return undefined;
  const r = R_MEMORY_GIB[size];
  return r === undefined ? undefined : family.startsWith('x2') ? r * 2 : r;
}

/**
 * Aurora PostgreSQL's default `max_connections` per instance class, as AWS publishes it ("Maximum connections to
 * an Aurora PostgreSQL DB instance", Amazon Aurora User Guide; read from the awsdocs/amazon-aurora-user-guide
 * source, 2023, the last revision published as source). The default is `LEAST({DBInstanceClassMemory/9531392},
 * 5000)`, where DBInstanceClassMemory is the memory left after what RDS reserves: less than the class's memory,
 * so the published numbers are below the formula on the class's memory (405, not 450, for db.t4g.medium).
 */
export const PUBLISHED_MAX_CONNECTIONS: Readonly<Record<string, number>> = {
  'db.x2g.large': 3479,
  'db.x2g.xlarge': 5000,
  'db.x2g.2xlarge': 5000,
  'db.x2g.4xlarge': 5000,
  'db.x2g.8xlarge': 5000,
  'db.x2g.12xlarge': 5000,
  'db.x2g.16xlarge': 5000,
  'db.r6g.large': 1722,
  'db.r6g.xlarge': 3479,
  'db.r6g.2xlarge': 5000,
  'db.r6g.4xlarge': 5000,
  'db.r6g.8xlarge': 5000,
  'db.r6g.12xlarge': 5000,
  'db.r6g.16xlarge': 5000,
  'db.r5.large': 1600,
  'db.r5.xlarge': 3300,
  'db.r5.2xlarge': 5000,
  'db.r5.4xlarge': 5000,
  'db.r5.8xlarge': 5000,
  'db.r5.12xlarge': 5000,
  'db.r5.16xlarge': 5000,
  'db.r5.24xlarge': 5000,
  'db.t4g.medium': 405,
  'db.t4g.large': 844,
  'db.t3.medium': 420,
  'db.t3.large': 844,
};

const GIB = 1024 ** 3;

/** Aurora PostgreSQL's default formula, `LEAST({DBInstanceClassMemory/9531392}, 5000)`, on a memory in bytes. */
export function formulaMaxConnections(memoryBytes: number): number {
  return Math.min(Math.floor(memoryBytes / 9531392), 5000);
}

/** Where a `max_connections` number comes from. */
export type MaxConnectionsSource = 'parameter' | 'table' | 'formula';

/** A `max_connections` number and where it comes from. */
export interface MaxConnections {
  readonly value: number;
  readonly source: MaxConnectionsSource;
}

/**
 * The `max_connections` of an instance: the `max_connections` parameter when it is a number; else AWS's published
 * default for the class; else (a class missing from AWS's table, or Serverless v2 with the memory of its maximum
 * ACUs) the formula on the class's memory, an upper estimate (RDS reserves some of that memory).
 */
export function maxConnectionsOf(instanceClass: string, memoryGiB: number | undefined,
  parameter: string | undefined): MaxConnections | undefined {
  if (parameter !== undefined && !Token.isUnresolved(parameter) && /^\d+$/.test(parameter.trim())) {
    return { value: Number(parameter), source: 'parameter' };
  }
  const published = Token.isUnresolved(instanceClass) ? undefined : PUBLISHED_MAX_CONNECTIONS[instanceClass];
  if (published !== undefined) return { value: published, source: 'table' };
  if (memoryGiB === undefined) return undefined;
  return { value: formulaMaxConnections(memoryGiB * GIB), source: 'formula' };
}
