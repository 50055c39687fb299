import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { IConstruct } from 'constructs';
import { throwPropError } from './errors';

/** The `instanceClass` value that selects Aurora Serverless v2 instances (`db.serverless`). */
export const SERVERLESS = 'serverless';

/** The Serverless v2 capacity props, as the user gave them (named as in the public props). */
export interface ServerlessProps {
  readonly serverlessV2MinCapacity?: number;
  readonly serverlessV2MaxCapacity?: number;
  readonly serverlessV2AutoPauseDuration?: Duration;
}

/** The oldest minor version of each major that supports a 0 ACU minimum (auto-pause). */
const AUTO_PAUSE_SINCE: Record<number, number> = { 13: 15, 14: 12, 15: 7, 16: 3 };

/** Whether an Aurora PostgreSQL version supports auto-pause; undefined when the version is a token. */
export function supportsAutoPause(fullVersion: string): boolean | undefined {
  if (Token.isUnresolved(fullVersion)) return undefined;
  const [major, minor] = fullVersion.split('.').map(Number);
  if (major > 16) return true;
  const since = AUTO_PAUSE_SINCE[major];
  return since !== undefined && minor >= since;
}

/**
 * Validates the Serverless v2 capacity props and returns the cluster props for them (nothing for provisioned
 * instances, where giving them is an error).
 */
export function validateServerlessScaling(scope: IConstruct, serverless: boolean, version: rds.AuroraPostgresEngineVersion,
  global: boolean, props: ServerlessProps): Partial<rds.DatabaseClusterProps> {
  if (!serverless) {
    refuseServerlessPropsOnProvisioned(scope, props);
    return {};
  }
  const min = props.serverlessV2MinCapacity ?? 0.5;
  const max = props.serverlessV2MaxCapacity ?? 2;
  validateCapacity(scope, 'serverlessV2MinCapacity', min, 0);
  validateCapacity(scope, 'serverlessV2MaxCapacity', max, 1);
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && min > max) {
    throwPropError(scope, {
      code: 'SERVERLESS_MIN_ABOVE_MAX',
      prop: 'serverlessV2MinCapacity',
      value: min,
      allowed: `at most serverlessV2MaxCapacity (${max})`,
      fix: 'lower serverlessV2MinCapacity or raise serverlessV2MaxCapacity',
    });
  }
  const pause = validateAutoPause(scope, min, version, global, props.serverlessV2AutoPauseDuration);
  return { serverlessV2MinCapacity: min, serverlessV2MaxCapacity: max, serverlessV2AutoPauseDuration: pause };
}

/** Refuses the capacity props on provisioned instances. */
function refuseServerlessPropsOnProvisioned(scope: IConstruct, props: ServerlessProps): void {
  const given = (['serverlessV2MinCapacity', 'serverlessV2MaxCapacity', 'serverlessV2AutoPauseDuration'] as const)
    .filter(p => props[p] !== undefined);
  if (given.length === 0) return;
  throwPropError(scope, {
    code: 'SERVERLESS_PROPS_WITHOUT_SERVERLESS',
    prop: given[0],
    value: String(props[given[0]]),
    allowed: "only with instanceClass: 'serverless' (Aurora Serverless v2)",
    fix: `set instanceClass: 'serverless', or drop ${given.join(', ')}`,
  });
}

/** A capacity: `lowest` to 256 ACUs in steps of 0.5. */
function validateCapacity(scope: IConstruct, prop: string, value: number, lowest: number): void {
  if (!Token.isUnresolved(value) && (value < lowest || value > 256 || !Number.isInteger(value * 2))) {
    throwPropError(scope, {
      code: 'SERVERLESS_CAPACITY_RANGE',
      prop,
      value,
      allowed: `${lowest} to 256 Aurora capacity units in steps of 0.5`,
      fix: `choose e.g. ${prop === 'serverlessV2MinCapacity' ? '0.5 (or 0 to pause when idle)' : '2, 4 or 16'}`,
    });
  }
}

/** Auto-pause (a minimum of 0): the engine version, the pause duration's range and its need of a 0 minimum. */
function validateAutoPause(scope: IConstruct, min: number, version: rds.AuroraPostgresEngineVersion, global: boolean,
  pause: Duration | undefined): Duration | undefined {
  if (min === 0) {
    const fullVersion = version.auroraPostgresFullVersion;
    if (supportsAutoPause(fullVersion) === false) {
      throwPropError(scope, {
        code: 'SERVERLESS_AUTO_PAUSE_VERSION',
        prop: 'serverlessV2MinCapacity',
        value: 0,
        allowed: `0 (auto-pause) only on Aurora PostgreSQL 13.15, 14.12, 15.7, 16.3 or newer; this cluster runs ${fullVersion}`,
        fix: 'upgrade engineVersion, or use a minimum of 0.5',
      });
    }
    if (global) {
      Annotations.of(scope).addWarningV2('cdk-aurora-postgres:autoPauseGlobal',
        'serverlessV2MinCapacity 0 on an Aurora Global Database member: replication keeps instances busy, so they may never pause; check the Aurora auto-pause documentation for global databases.');
    }
  } else if (pause !== undefined) {
    throwPropError(scope, {
      code: 'SERVERLESS_AUTO_PAUSE_WITHOUT_ZERO_MIN',
      prop: 'serverlessV2AutoPauseDuration',
      value: pause.toHumanString(),
      allowed: 'only with serverlessV2MinCapacity: 0 (instances pause only when they can scale to zero)',
      fix: 'set serverlessV2MinCapacity: 0, or drop serverlessV2AutoPauseDuration',
    });
  }
  if (pause && !pause.isUnresolved() && (pause.toSeconds() < 300 || pause.toSeconds() > 86_400)) {
    throwPropError(scope, {
      code: 'SERVERLESS_AUTO_PAUSE_DURATION_RANGE',
      prop: 'serverlessV2AutoPauseDuration',
      value: pause.toHumanString(),
      allowed: '5 minutes to 24 hours',
      fix: 'use e.g. Duration.minutes(5) or Duration.hours(1)',
    });
  }
  return pause;
}
