/**
 * Reads a database link from the file that `cdk deploy --outputs-file` writes (`DatabaseLink.fromCdkOutputs`):
 * finds the stack and the module, refuses a file that is not one, and turns the outputs into link values. It
 * never depends on the public `DatabaseLink` class (which builds the link from what this returns).
 */
import { Duration } from 'aws-cdk-lib';
import { DatabaseAuthentication } from '../database-authentication';
import { throwInputError } from './errors';
import { MODULE_NAME_PATTERN } from './names';
import { LINK_OUTPUT_FIELDS, LinkOutputField, READER_HOST_SUFFIX, ROTATION_INTERVAL_SUFFIX, USER_LINK_SUFFIX, outputKey } from './output-keys';

/** Where the errors of the reader say they come from. */
const WHERE = 'DatabaseLink.fromCdkOutputs';

/**
 * The value of a credential output whose real value is read at run time from the secret
 * (`DatabaseLink.FROM_SECRET`).
 */
export const FROM_SECRET_MARKER = 'FROM_SECRET';

/** The value of the secret ARN output when the database has no credentials secret (`DatabaseLink.NO_SECRET`). */
export const NO_SECRET_MARKER = 'NONE';

/** One stack's outputs: output key to value. */
type StackOutputs = Record<string, unknown>;

/** The whole outputs file: stack name to that stack's outputs. */
type OutputsFile = Record<string, StackOutputs>;

/** What a database's (or an older user's) own outputs say: the values of its link. */
export interface ModuleLinkValues {
  readonly host: string;
  readonly readerHost?: string;
  readonly port?: number;
  readonly databaseName?: string;
  readonly username?: string;
  readonly password?: string;
  readonly secretArn?: string;
  readonly rotationInterval?: Duration;
}

/**
 * What a database user's two outputs say (`<module>DbSecretArn` and `<module>DbUserLink`): its own values, and
 * where its cluster's outputs are (the host, port and reader host are the cluster's).
 */
export interface UserLinkReference {
  /** The stack of the cluster's outputs. */
  readonly clusterStack: string;
  /** The cluster's moduleName. */
  readonly clusterModule: string;
  readonly databaseName: string;
  readonly secretArn: string;
  readonly rotationInterval?: Duration;
  /** `DatabaseAuthentication.IAM` for an IAM-authenticated user (no secret is read then). */
  readonly authentication?: string;
  readonly username?: string;
  readonly region?: string;
}

/** A module's outputs: a database's link values, or a user's reference to its cluster. */
export type ModuleOutputs = { readonly values: ModuleLinkValues } | { readonly user: UserLinkReference };

/**
 * Reads one module of one stack in an outputs file. Refuses, with the fix, a value that is not an outputs file,
 * one stack's outputs instead of the whole file, an unknown stack or module, and a module with only some outputs.
 */
export function readModuleOutputs(outputs: unknown, stackName: string, moduleName: string): ModuleOutputs {
  const file = validateOutputsFile(outputs, stackName);
  const stack = validateStack(file, stackName);
  const userLink = stack[`${moduleName}${USER_LINK_SUFFIX}`];
  if (typeof userLink === 'string' && typeof stack[outputKey(moduleName, 'host')] !== 'string') {
    return { user: readUserLink(file, stackName, moduleName, userLink) };
  }
  validateModule(stack, stackName, moduleName);
  return { values: readModuleValues(stack, stackName, moduleName) };
}

/** The parsed file as a map of stacks, or the error that says what was passed instead. */
function validateOutputsFile(outputs: unknown, stackName: string): OutputsFile {
  if (outputs === null || typeof outputs !== 'object' || Array.isArray(outputs)) {
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_NOT_OBJECT',
      prop: 'outputs',
      value: outputs === null ? 'null' : typeof outputs,
      allowed: 'the parsed JSON object that `cdk deploy --outputs-file` writes ({ stackName: { outputKey: value } })',
      fix: "pass JSON.parse(fs.readFileSync('cdk-outputs.json', 'utf8'))",
    });
  }
  const file = outputs as Record<string, unknown>;
  // The file maps stack names to objects; one stack's outputs map output keys to strings.
  const outputKeys = Object.keys(file).filter(k => typeof file[k] === 'string');
  if (outputKeys.length > 0) {
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_ONE_STACK',
      prop: 'outputs',
      value: `one stack's outputs (${outputKeys.slice(0, 3).join(', ')}${outputKeys.length > 3 ? ', ...' : ''}), not the whole file`,
      allowed: 'the whole parsed file that `cdk deploy --outputs-file` writes, keyed by stack name ({ stackName: { outputKey: value } })',
      fix: `pass the whole file (JSON.parse(fs.readFileSync('cdk-outputs.json', 'utf8'))), or wrap this object as { '${stackName}': outputs }`,
    });
  }
  return file as OutputsFile;
}

/** The outputs of the named stack, or the error that lists the file's stacks. */
function validateStack(file: OutputsFile, stackName: string): StackOutputs {
  const stack = file[stackName];
  if (stack === undefined || stack === null || typeof stack !== 'object') {
    const stacks = Object.keys(file);
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_STACK_UNKNOWN',
      prop: 'stackName',
      value: stackName,
      allowed: `a stack in the outputs file: ${stacks.length ? stacks.map(s => `'${s}'`).join(', ') : '(the file has no stacks)'}`,
      fix: 'name the stack that holds the AuroraPostgres construct, and deploy it with --outputs-file',
    });
  }
  return stack;
}

/** The module has every link output: none is an unknown module (the error lists the stack's), some a stale file. */
function validateModule(stack: StackOutputs, stackName: string, moduleName: string): void {
  const missing = LINK_OUTPUT_FIELDS.filter(f => typeof stack[outputKey(moduleName, f)] !== 'string');
  if (missing.length === LINK_OUTPUT_FIELDS.length) {
    const modules = modulesIn(stack);
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_MODULE_UNKNOWN',
      prop: 'moduleName',
      value: moduleName,
      allowed: `a module with link outputs in stack '${stackName}': ${modules.length ? modules.map(m => `'${m}'`).join(', ') : '(none)'}`,
      fix: "pass the AuroraPostgres construct's moduleName (by default its construct id, letters and digits only)",
    });
  }
  if (missing.length > 0) {
    // The module is there, but not all of its outputs: a file written before the stack had them, or edited.
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_INCOMPLETE',
      prop: 'outputs',
      value: `stack '${stackName}', module '${moduleName}' without ${missing.map(f => outputKey(moduleName, f)).join(', ')}`,
      allowed: `every link output of the module (${LINK_OUTPUT_FIELDS.map(f => outputKey(moduleName, f)).join(', ')}); this outputs file is incomplete or from an older deploy`,
      fix: redeploy(stackName),
    });
  }
}

/** A database's link values from its outputs; `FROM_SECRET` and `NONE` are no value (read from the secret). */
function readModuleValues(stack: StackOutputs, stackName: string, moduleName: string): ModuleLinkValues {
  const read = (field: LinkOutputField): string | undefined => {
    const value = stack[outputKey(moduleName, field)] as string;
    return value === FROM_SECRET_MARKER || value === NO_SECRET_MARKER ? undefined : value;
  };
  const port = Number(read('port'));
  const readerHost = stack[`${moduleName}${READER_HOST_SUFFIX}`];
  const rotationKey = `${moduleName}${ROTATION_INTERVAL_SUFFIX}`;
  const rotation = stack[rotationKey];
  return {
    rotationInterval: typeof rotation === 'string' && rotation !== '' ? parseRotation(rotation, stackName, rotationKey) : undefined,
    host: read('host')!,
    readerHost: typeof readerHost === 'string' && readerHost !== '' ? readerHost : undefined,
    port: Number.isInteger(port) ? port : undefined,
    databaseName: read('databaseName'),
    username: read('username'),
    password: read('password'),
    secretArn: read('secretArn'),
  };
}

/** A user's reference to its cluster, from its `<module>DbUserLink` JSON and its `<module>DbSecretArn`. */
function readUserLink(file: OutputsFile, stackName: string, moduleName: string, userLink: string): UserLinkReference {
  const key = `${moduleName}${USER_LINK_SUFFIX}`;
  let ref: Partial<Record<'cluster' | 'stack' | 'databaseName' | 'rotationInterval' | 'authentication' | 'username' | 'region', unknown>>;
  try {
    ref = JSON.parse(userLink);
  } catch {
    ref = {};
  }
  const secretArn = file[stackName][outputKey(moduleName, 'secretArn')];
  if (typeof ref.cluster !== 'string' || typeof ref.stack !== 'string' || typeof ref.databaseName !== 'string' || typeof secretArn !== 'string') {
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_USER_LINK_INVALID',
      prop: `outputs['${stackName}']['${key}']`,
      value: userLink,
      allowed: `JSON with cluster, stack and databaseName (and rotationInterval), next to ${outputKey(moduleName, 'secretArn')}, as cdk-aurora-postgres writes them`,
      fix: redeploy(stackName),
    });
  }
  if (file[ref.stack] === undefined) {
    throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_CLUSTER_STACK_MISSING',
      prop: 'outputs',
      value: `a file without the stack '${ref.stack}', which holds the outputs of the cluster '${ref.cluster}' of user module '${moduleName}'`,
      allowed: 'the outputs of the user\'s stack and of its cluster\'s stack in one file',
      fix: `deploy both into one file: cdk deploy ${ref.stack} ${stackName} --outputs-file cdk-outputs.json`,
    });
  }
  const optional = (value: unknown) => typeof value === 'string' ? value : undefined;
  const rotation = optional(ref.rotationInterval);
  const authentication = optional(ref.authentication);
  return {
    clusterStack: ref.stack,
    clusterModule: ref.cluster,
    databaseName: ref.databaseName,
    secretArn,
    // An IAM user has no secret, so nothing rotates (its link ignores the field).
    rotationInterval: rotation === undefined || authentication === DatabaseAuthentication.IAM ? undefined : parseRotation(rotation, stackName, key),
    authentication,
    username: optional(ref.username),
    region: optional(ref.region),
  };
}

/** A rotation interval output (ISO 8601). */
function parseRotation(value: string, stackName: string, key: string): Duration {
  try {
    return Duration.parse(value);
  } catch {
    return throwInputError(WHERE, {
      code: 'OUTPUTS_FILE_ROTATION_INVALID',
      prop: `outputs['${stackName}']['${key}']`,
      value,
      allowed: 'an ISO 8601 duration such as P30D, as cdk-aurora-postgres writes it',
      fix: redeploy(stackName),
    });
  }
}

/** The fix of a stale or edited outputs file. */
function redeploy(stackName: string): string {
  return `deploy the stack again and read the file it writes: cdk deploy ${stackName} --outputs-file cdk-outputs.json`;
}

/** The module names that have a host output (a database) or a user link output in one stack's outputs. */
function modulesIn(stackOutputs: StackOutputs): string[] {
  return [outputKey('', 'host'), USER_LINK_SUFFIX].flatMap(suffix => Object.keys(stackOutputs)
    .filter(k => k.endsWith(suffix) && k.length > suffix.length)
    .map(k => k.slice(0, -suffix.length))
    .filter(m => MODULE_NAME_PATTERN.test(m)));
}
