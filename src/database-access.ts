/**
 * What a `DatabaseUser` may do in its database's schemas. Every level is real PostgreSQL privileges; no level
 * can create roles or databases, or connect to another database.
 */
export enum DatabaseAccess {
  /** Reads every table and sequence of its schemas, present and future. */
  READ_ONLY = 'READ_ONLY',

  /**
   * Reads and writes (SELECT, INSERT, UPDATE, DELETE; sequences too) every table of its schemas, present and
   * future, but cannot create, alter or drop objects.
   */
  READ_WRITE = 'READ_WRITE',

  /**
   * Owns its schemas and their objects through the database's owner role (`<database>_owner`): creates, alters
   * and drops objects, for migrations. What it creates is usable by the database's READ_WRITE and READ_ONLY users.
   */
  OWNER = 'OWNER',
}
