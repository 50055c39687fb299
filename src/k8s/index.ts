export * from './link-secret-mode';
export * from './secret-store-kind';
export * from './ssl-mode';
export * from './postgres-link';
export * from './postgres-link-chart';
export * from './link-workload-options';
