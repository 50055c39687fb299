/* eslint-disable @typescript-eslint/no-require-imports */
import Ajv from 'ajv';
import { DaemonSet, Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { CronJob, Job } from 'kubernetes-models/batch/v1';
import { Role, RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1';
import { ConfigMap, Namespace, Pod, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import { K8sObject } from './fixtures';

// kubernetes-models 4.3.x: the Kubernetes 1.27 OpenAPI schemas with an ajv validator. Each schema is registered
// the first time a model validates; keep a copy of every one to also reject unknown fields, as the API server's
// strict field validation (kubectl's default since 1.27) does. The OpenAPI schemas themselves allow them.
const validateModule = require('@kubernetes-models/validate');
const schemas = new Map<string, any>();
const register = validateModule.register;
validateModule.register = (id: string, schema: any) => {
  schemas.set(id, schema);
  return register(id, schema);
};

const MODELS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Pod': Pod,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'apps/v1/DaemonSet': DaemonSet,
  'batch/v1/Job': Job,
  'batch/v1/CronJob': CronJob,
  'rbac.authorization.k8s.io/v1/Role': Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': RoleBinding,
};

const ajv = new Ajv({ allErrors: true });
const validateExternalSecret = ajv.compile(require('./external-secret.schema.json'));

/** The registered OpenAPI schema of a top-level kind, e.g. io.k8s.api.rbac.v1.Role. */
function schemaIdOf(apiVersion: string): (id: string) => boolean {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  return id => id.startsWith(`io.k8s.api.${group.split('.')[0]}.${version}.`);
}

/** Every field of `value` that the schema does not know, as a JSON path. */
function unknownFields(value: unknown, schema: any, at: string): string[] {
  if (schema === undefined || value === null || value === undefined || typeof value !== 'object') return [];
  if (schema.$ref) {
    const target = schemas.get(String(schema.$ref).replace(/#$/, ''));
    if (!target) throw new Error(`schema ${schema.$ref} was not registered`);
    return unknownFields(value, target, at);
  }
  for (const key of ['oneOf', 'anyOf', 'allOf']) {
    if (Array.isArray(schema[key])) {
      const alternatives = schema[key].filter((s: any) => s.type !== 'null');
      return alternatives.length === 1 ? unknownFields(value, alternatives[0], at) : [];
    }
  }
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, schema.items, `${at}[${i}]`));
  const found: string[] = [];
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (schema.properties && k in schema.properties) {
      found.push(...unknownFields(v, schema.properties[k], `${at}.${k}`));
    } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
      found.push(...unknownFields(v, schema.additionalProperties, `${at}.${k}`));
    } else if (schema.properties || schema.additionalProperties === false) {
      found.push(`${at}.${k}`);
    }
  }
  return found;
}

/**
 * Validates one rendered object: Kubernetes kinds against the 1.27 OpenAPI schema (types, enums, required
 * fields, formats, and no unknown field), the ExternalSecret against test/k8s/external-secret.schema.json.
 * Throws with the reasons; an object of a kind it has no schema for is an error too.
 */
export function validateObject(object: K8sObject): void {
  const what = `${object.kind} '${object.metadata?.name}'`;
  if (object.apiVersion === 'external-secrets.io/v1' && object.kind === 'ExternalSecret') {
    if (!validateExternalSecret(object)) throw new Error(`${what}: ${ajv.errorsText(validateExternalSecret.errors)}`);
    return;
  }
  const Model = MODELS[`${object.apiVersion}/${object.kind}`];
  if (!Model) throw new Error(`${what}: no schema for ${object.apiVersion}/${object.kind}`);
  try {
    new Model(object).validate();
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
  const ids = [...schemas.keys()].filter(schemaIdOf(object.apiVersion)).filter(id => id.endsWith(`.${object.kind}`));
  if (ids.length !== 1) throw new Error(`${what}: expected one registered schema, found ${ids.join(', ') || 'none'}`);
  const unknown = unknownFields(object, schemas.get(ids[0]), '');
  if (unknown.length > 0) throw new Error(`${what}: unknown fields ${unknown.join(', ')}`);
}
