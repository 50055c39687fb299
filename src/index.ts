export * from './aurora-postgres';
export * from './aurora-postgres-alarms';
export * from './database-link';
export * from './external-secrets-operator';
export * from './k8s';
