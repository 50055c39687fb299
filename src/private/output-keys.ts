/**
 * The CloudFormation output keys of a link, shared by the writer (`AuroraPostgres`) and the reader
 * (`DatabaseLink.fromCdkOutputs`). Keys are `<moduleName><Suffix>`, e.g. `rdsDbHost`.
 */
export const OUTPUT_SUFFIXES = {
  host: 'DbHost',
  port: 'DbPort',
  databaseName: 'DbName',
  username: 'DbUser',
  password: 'DbPassword',
  secretArn: 'DbSecretArn',
} as const;

export type LinkOutputField = keyof typeof OUTPUT_SUFFIXES;

export const LINK_OUTPUT_FIELDS = Object.keys(OUTPUT_SUFFIXES) as LinkOutputField[];

/**
 * The suffix of the optional reader host output (`<moduleName>DbReaderHost`). It is not one of the
 * `LINK_OUTPUT_FIELDS`: outputs files written before it existed, or by a database without a reader endpoint,
 * lack it and still make a complete link.
 */
export const READER_HOST_SUFFIX = 'DbReaderHost';

/** The suffix of a cluster's engine version output (`<moduleName>EngineVersion`), for a secondary's stack to match. */
export const ENGINE_VERSION_SUFFIX = 'EngineVersion';

/** The suffix of a global member's global database id output (`<moduleName>GlobalDatabaseId`). */
export const GLOBAL_DATABASE_ID_SUFFIX = 'GlobalDatabaseId';

/**
 * The optional output of how often the linked secret's password rotates (ISO 8601, e.g. `P30D`), so that a chart
 * built from an outputs file checks its refresh interval against it too.
 */
export const ROTATION_INTERVAL_SUFFIX = 'DbRotationInterval';


/**
 * The suffix of a database user's link output (`<moduleName>DbUserLink`): JSON with what the user's link has of
 * its own (`cluster`: the cluster's moduleName, `stack`: the stack of the cluster's outputs, `databaseName`,
 * `rotationInterval` in ISO 8601 when rotated); host, port and reader host are the cluster's outputs, the user
 * name and password the secret's (`<moduleName>DbSecretArn`).
 */
export const USER_LINK_SUFFIX = 'DbUserLink';

/** The output key of one field of a module's link. */
export function outputKey(moduleName: string, field: LinkOutputField): string {
  return `${moduleName}${OUTPUT_SUFFIXES[field]}`;
}
