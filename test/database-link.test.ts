import { App, CfnResource, Lazy, Stack } from 'aws-cdk-lib';
import { DatabaseLink } from '../src';

const outputs = {
  Network: { VpcId: 'vpc-1' },
  OrdersDb: {
    rdsDbHost: 'orders.cluster-abc.us-east-1.rds.amazonaws.com',
    rdsDbPort: '5432',
    rdsDbName: 'orders',
    rdsDbUser: 'postgres',
    rdsDbPassword: 'FROM_SECRET',
    rdsDbSecretArn: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rds-AbCdEf',
    rdsDbReaderHost: 'orders.cluster-ro-abc.us-east-1.rds.amazonaws.com',
    otherDbHost: 'x',
    otherDbPort: '5432',
    otherDbName: 'FROM_SECRET',
    otherDbUser: 'FROM_SECRET',
    otherDbPassword: 'FROM_SECRET',
    otherDbSecretArn: 'arn:aws:secretsmanager:us-west-2:123456789012:secret:o',
    restoredDbHost: 'r',
    restoredDbPort: '5432',
    restoredDbName: 'UNKNOWN_SEE_ORIGINAL_DB',
    restoredDbUser: 'UNKNOWN_SEE_ORIGINAL_DB',
    restoredDbPassword: 'UNKNOWN_SEE_ORIGINAL_DB',
    restoredDbSecretArn: 'NONE',
  },
};

describe('DatabaseLink.fromCdkOutputs', () => {
  test('reads host, port, name and user; the password comes from the secret', () => {
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds');
    expect(link).toMatchObject({
      host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com',
      port: '5432',
      databaseName: 'orders',
      username: 'postgres',
      password: undefined,
      secretArn: outputs.OrdersDb.rdsDbSecretArn,
      hasCdkTokens: false,
    });
    expect(link.secretKeyOf('password')).toBe('password');
    expect(link.secretKeyOf('username')).toBeUndefined();
    expect(link.readsSecret).toBe(true);
  });

  test('reads the reader host when the file has it; an older file without it still makes a link, without a reader host', () => {
    expect(DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds').readerHost).toBe(outputs.OrdersDb.rdsDbReaderHost);
    const older = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'other');
    expect(older.host).toBe('x');
    expect(older.readerHost).toBeUndefined();
  });

  test('reads the rotation interval when the file has it (a database user\'s), so a chart checks its refresh against it', () => {
    const withRotation = { S: { ...outputs.OrdersDb, rdsDbRotationInterval: 'P7D' } };
    expect(DatabaseLink.fromCdkOutputs(withRotation, 'S', 'rds').rotationInterval?.toDays()).toBe(7);
    expect(DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds').rotationInterval).toBeUndefined();
  });

  test('a rotation interval that is not an ISO 8601 duration', () => {
    const bad = { S: { ...outputs.OrdersDb, rdsDbRotationInterval: '30 days' } };
    expect(() => DatabaseLink.fromCdkOutputs(bad, 'S', 'rds')).toThrow(
      "DatabaseLink.fromCdkOutputs: invalid outputs['S']['rdsDbRotationInterval'] '30 days'. Allowed: an ISO 8601 duration such as P30D, as cdk-aurora-postgres writes it. Fix: deploy the stack again and read the file it writes: cdk deploy S --outputs-file cdk-outputs.json");
  });

  test('FROM_SECRET fields are read from the secret', () => {
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'other');
    expect([link.secretKeyOf('username'), link.secretKeyOf('password'), link.secretKeyOf('databaseName')])
      .toEqual(['username', 'password', 'dbname']);
  });

  test('placeholders pass through and NONE means no secret', () => {
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'restored');
    expect(link).toMatchObject({
      username: 'UNKNOWN_SEE_ORIGINAL_DB', password: 'UNKNOWN_SEE_ORIGINAL_DB', databaseName: 'UNKNOWN_SEE_ORIGINAL_DB', secretArn: undefined,
    });
    expect(link.readsSecret).toBe(false);
  });

  test('a stack missing from the file: the error lists the stacks', () => {
    expect(() => DatabaseLink.fromCdkOutputs(outputs, 'Orders', 'rds'))
      .toThrow(/invalid stackName 'Orders'\. Allowed: a stack in the outputs file: 'Network', 'OrdersDb'/);
  });

  test('a module missing from the stack: the error lists the modules', () => {
    expect(() => DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'db'))
      .toThrow(/invalid moduleName 'db'\. Allowed: a module with link outputs in stack 'OrdersDb': 'rds', 'other', 'restored'/);
  });

  test('a stale or incomplete file (the module lacks some outputs): the error names them and says to redeploy', () => {
    const partial = { S: { rdsDbHost: 'h', rdsDbPort: '5432' } };
    expect(() => DatabaseLink.fromCdkOutputs(partial, 'S', 'rds')).toThrow(new RegExp(
      "invalid outputs 'stack 'S', module 'rds' without rdsDbName, rdsDbUser, rdsDbPassword, rdsDbSecretArn'\\. "
      + 'Allowed: every link output of the module \\(rdsDbHost, rdsDbPort, rdsDbName, rdsDbUser, rdsDbPassword, rdsDbSecretArn\\); this outputs file is incomplete or from an older deploy\\. '
      + 'Fix: deploy the stack again and read the file it writes: cdk deploy S --outputs-file cdk-outputs.json$'));
  });

  test("one stack's object instead of the whole file", () => {
    expect(() => DatabaseLink.fromCdkOutputs(outputs.OrdersDb, 'OrdersDb', 'rds')).toThrow(new RegExp(
      "invalid outputs 'one stack's outputs \\(rdsDbHost, rdsDbPort, rdsDbName, \\.\\.\\.\\), not the whole file'\\. Allowed: the whole parsed file .*"
      + "Fix: pass the whole file .*, or wrap this object as \\{ 'OrdersDb': outputs \\}"));
  });

  test('not an outputs object', () => {
    expect(() => DatabaseLink.fromCdkOutputs([], 'S', 'rds')).toThrow(/invalid outputs 'object'\. Allowed: the parsed JSON object that `cdk deploy --outputs-file` writes/);
  });
});

describe('DatabaseLink.fromValues', () => {
  test('literal values, default port', () => {
    const link = DatabaseLink.fromValues({ host: 'localhost', databaseName: 'app', username: 'u', password: 'p' });
    expect(link).toMatchObject({ host: 'localhost', port: '5432', password: 'p', hasCdkTokens: false, readsSecret: false });
  });

  test('a reader host is kept; an empty one is none', () => {
    const values = { host: 'w', databaseName: 'app', username: 'u', password: 'p' };
    expect(DatabaseLink.fromValues({ ...values, readerHost: 'r' }).readerHost).toBe('r');
    expect(DatabaseLink.fromValues({ ...values, readerHost: '' }).readerHost).toBeUndefined();
    expect(DatabaseLink.fromValues(values).readerHost).toBeUndefined();
  });

  test('a reader host that is a CDK token makes the link hold tokens', () => {
    const link = DatabaseLink.fromValues({ host: 'w', readerHost: Lazy.string({ produce: () => 'r' }), databaseName: 'd', username: 'u', password: 'p' });
    expect(link.hasCdkTokens).toBe(true);
  });

  test('CDK tokens are detected', () => {
    const link = DatabaseLink.fromValues({
      host: Lazy.string({ produce: () => 'h' }), username: 'u', databaseName: 'd', secretArn: 'arn',
    });
    expect(link.hasCdkTokens).toBe(true);
  });

  test('a credential without a value and without a secret', () => {
    expect(() => DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd' }))
      .toThrow(/invalid secretArn 'undefined'\. Allowed: .*because password is not given/);
  });

  test('an empty host', () => {
    expect(() => DatabaseLink.fromValues({ host: '', username: 'u', databaseName: 'd', password: 'p' })).toThrow(/invalid host/);
  });

  test('a port out of range', () => {
    expect(() => DatabaseLink.fromValues({ host: 'h', port: 70000, username: 'u', databaseName: 'd', password: 'p' }))
      .toThrow(/invalid port 70000/);
  });

  test('secretKeyOf an unknown field', () => {
    const link = DatabaseLink.fromValues({ host: 'h', username: 'u', databaseName: 'd', password: 'p' });
    expect(() => link.secretKeyOf('host')).toThrow(/invalid field 'host'/);
  });
});

describe('DatabaseLink.fromCdkOutputs of a database user (two outputs; the rest is its cluster\'s)', () => {
  const USER_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-XyZ123';
  const file = {
    ...outputs,
    Orders: {
      rdsOrdersDbSecretArn: USER_ARN,
      rdsOrdersDbUserLink: '{"cluster":"rds","stack":"OrdersDb","databaseName":"orders","rotationInterval":"P7D"}',
    },
  };

  test('in a service stack: host, port and reader host from the cluster\'s stack, user and password from the secret', () => {
    const link = DatabaseLink.fromCdkOutputs(file, 'Orders', 'rdsOrders');
    expect(link).toMatchObject({
      host: outputs.OrdersDb.rdsDbHost,
      readerHost: outputs.OrdersDb.rdsDbReaderHost,
      port: '5432',
      databaseName: 'orders',
      username: undefined,
      password: undefined,
      secretArn: USER_ARN,
    });
    expect(link.rotationInterval?.toDays()).toBe(7);
  });

  test('an outputs file written by earlier versions (every key under the user\'s module) still reads', () => {
    const older = {
      S: {
        rdsOrdersDbHost: 'h',
        rdsOrdersDbPort: '5432',
        rdsOrdersDbName: 'orders',
        rdsOrdersDbUser: 'FROM_SECRET',
        rdsOrdersDbPassword: 'FROM_SECRET',
        rdsOrdersDbSecretArn: USER_ARN,
        rdsOrdersDbRotationInterval: 'P30D',
      },
    };
    expect(DatabaseLink.fromCdkOutputs(older, 'S', 'rdsOrders')).toMatchObject({ host: 'h', databaseName: 'orders', secretArn: USER_ARN, username: undefined });
  });

  test('a file without the cluster\'s stack is refused, naming both stacks', () => {
    expect(() => DatabaseLink.fromCdkOutputs({ Orders: file.Orders }, 'Orders', 'rdsOrders')).toThrow(
      "DatabaseLink.fromCdkOutputs: invalid outputs 'a file without the stack 'OrdersDb', which holds the outputs of the cluster 'rds' of user module 'rdsOrders''. Allowed: the outputs of the user's stack and of its cluster's stack in one file. Fix: deploy both into one file: cdk deploy OrdersDb Orders --outputs-file cdk-outputs.json");
  });

  test('a user link that is not cdk-aurora-postgres\'s JSON is refused', () => {
    const bad = { ...file, Orders: { ...file.Orders, rdsOrdersDbUserLink: 'rds' } };
    expect(() => DatabaseLink.fromCdkOutputs(bad, 'Orders', 'rdsOrders')).toThrow(
      /invalid outputs\['Orders'\]\['rdsOrdersDbUserLink'\] 'rds'\. Allowed: JSON with cluster, stack and databaseName \(and rotationInterval\), next to rdsOrdersDbSecretArn/);
  });

  test('a user link with a rotation interval that is not ISO 8601 is refused', () => {
    const bad = { ...file, Orders: { ...file.Orders, rdsOrdersDbUserLink: '{"cluster":"rds","stack":"OrdersDb","databaseName":"orders","rotationInterval":"30 days"}' } };
    expect(() => DatabaseLink.fromCdkOutputs(bad, 'Orders', 'rdsOrders')).toThrow(/invalid outputs\['Orders'\]\['rdsOrdersDbUserLink'\] '30 days'\. Allowed: an ISO 8601 duration/);
  });

  test('a wrong module name lists the users\' modules too', () => {
    expect(() => DatabaseLink.fromCdkOutputs(file, 'Orders', 'orders')).toThrow(/Allowed: a module with link outputs in stack 'Orders': 'rdsOrders'/);
  });
});

describe('rdsProxy: whether the host is an RDS Proxy endpoint (the chart then trusts the proxy roots)', () => {
  test.each([
    ['orders.proxy-c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com', true],
    ['reader.endpoint.proxy-c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com', true],
    ['orders.cluster-c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com', false],
    ['db.internal.example.com', false],
  ])('from the literal host %s: %s', (host, proxy) => {
    expect(DatabaseLink.fromValues({ host, username: 'u', password: 'p', databaseName: 'd' }).rdsProxy).toBe(proxy);
  });

  test('a CDK token host: unknown unless given', () => {
    const stack = new Stack(new App(), 'S');
    const host = new CfnResource(stack, 'C', { type: 'AWS::RDS::DBCluster' }).getAtt('Endpoint.Address').toString();
    const link = (rdsProxy?: boolean) => DatabaseLink.fromValues({ host, rdsProxy, username: 'u', password: 'p', databaseName: 'd' });
    expect([link().rdsProxy, link(true).rdsProxy, link(false).rdsProxy]).toEqual([undefined, true, false]);
  });
});
