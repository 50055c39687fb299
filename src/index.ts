export * from './aurora-postgres';
export * from './database-link';
export * from './external-secrets-operator';
export * from './k8s';
