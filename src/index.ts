export * from './aurora-postgres';
export * from './database-link';
