export * from './aurora-postgres';
export * from './database-access';
export * from './database-link';
export * from './database-user';
export * from './k8s';
