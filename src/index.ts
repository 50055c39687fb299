export * from './aurora-postgres';
export * from './aurora-postgres-props';
export * from './aurora-postgres-alarms';
export * from './database-access';
export * from './database-link';
export * from './external-secrets-operator';
export * from './database-user';
export * from './k8s';
