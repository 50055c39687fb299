export * from './aurora-postgres';
export * from './database-link';
export * from './k8s';
