import { App, CfnResource, Lazy, Stack, Token } from 'aws-cdk-lib';
import { DatabaseAuthentication, DatabaseLink } from '../src';

/** A parsed outputs file: what `JSON.parse(fs.readFileSync('cdk-outputs.json'))` gives (`any`, as in users' code). */
type OutputsFile = any;

/** The outputs file of a stack with three databases (one restored from a snapshot) and a stack without any. */
function outputsFile(): OutputsFile {
  return {
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
}

/** The same file with one stack's outputs added or changed. */
function withStack(stackName: string, stackOutputs: Record<string, string>): OutputsFile {
  return { ...outputsFile(), [stackName]: stackOutputs };
}

/** Values of a complete password link, for fromValues. */
const VALUES = { host: 'h', username: 'u', databaseName: 'd', password: 'p' };

describe('DatabaseLink.fromCdkOutputs', () => {
  test('reads host, port, name and user; the password comes from the secret', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds');
    // THEN
    expect(link).toMatchObject({
      host: 'orders.cluster-abc.us-east-1.rds.amazonaws.com',
      port: '5432',
      portNumber: 5432,
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

  test('takes the typed form of the file ({ stackName: { outputKey: value } }) as well as a JSON.parse result', () => {
    // GIVEN
    const typed: { [stackName: string]: { [outputKey: string]: string } } = outputsFile();
    const parsed = JSON.parse(JSON.stringify(typed));
    // WHEN
    const links = [DatabaseLink.fromCdkOutputs(typed, 'OrdersDb', 'rds'), DatabaseLink.fromCdkOutputs(parsed, 'OrdersDb', 'rds')];
    // THEN
    expect(links[1]).toEqual(links[0]);
  });

  test('reads the reader host when the file has it', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'rds');
    // THEN
    expect(link.readerHost).toBe(outputs.OrdersDb.rdsDbReaderHost);
  });

  test('an older file without the reader host still makes a link, without a reader host', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const older = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'other');
    // THEN
    expect(older.host).toBe('x');
    expect(older.readerHost).toBeUndefined();
  });

  test('reads the rotation interval when the file has it (a database user\'s), so a chart checks its refresh against it', () => {
    // GIVEN
    const withRotation = withStack('S', { ...outputsFile().OrdersDb, rdsDbRotationInterval: 'P7D' });
    // WHEN
    const rotated = DatabaseLink.fromCdkOutputs(withRotation, 'S', 'rds');
    const notRotated = DatabaseLink.fromCdkOutputs(outputsFile(), 'OrdersDb', 'rds');
    // THEN
    expect(rotated.rotationInterval?.toDays()).toBe(7);
    expect(notRotated.rotationInterval).toBeUndefined();
  });

  test('a rotation interval that is not an ISO 8601 duration', () => {
    // GIVEN
    const bad = withStack('S', { ...outputsFile().OrdersDb, rdsDbRotationInterval: '30 days' });
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(bad, 'S', 'rds');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_ROTATION_INVALID\] DatabaseLink\.fromCdkOutputs: invalid outputs\['S'\]\['rdsDbRotationInterval'\] '30 days'/);
    expect(read).toThrow(/Fix: deploy the stack again and read the file it writes: cdk deploy S --outputs-file cdk-outputs\.json$/);
  });

  test('FROM_SECRET fields are read from the secret', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'other');
    // THEN
    expect([link.secretKeyOf('username'), link.secretKeyOf('password'), link.secretKeyOf('databaseName')])
      .toEqual(['username', 'password', 'dbname']);
  });

  test('placeholders pass through and NONE means no secret', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'restored');
    // THEN
    expect(link).toMatchObject({
      username: 'UNKNOWN_SEE_ORIGINAL_DB', password: 'UNKNOWN_SEE_ORIGINAL_DB', databaseName: 'UNKNOWN_SEE_ORIGINAL_DB', secretArn: undefined,
    });
    expect(link.readsSecret).toBe(false);
  });

  test('a stack missing from the file: the error lists the stacks', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(outputs, 'Orders', 'rds');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_STACK_UNKNOWN\] .*invalid stackName 'Orders'\. Allowed: a stack in the outputs file: 'Network', 'OrdersDb'/);
  });

  test('a module missing from the stack: the error lists the modules', () => {
    // GIVEN
    const outputs = outputsFile();
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(outputs, 'OrdersDb', 'db');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_MODULE_UNKNOWN\] .*invalid moduleName 'db'\. Allowed: a module with link outputs in stack 'OrdersDb': 'rds', 'other', 'restored'/);
  });

  test('a stale or incomplete file (the module lacks some outputs): the error names them and says to redeploy', () => {
    // GIVEN
    const partial = { S: { rdsDbHost: 'h', rdsDbPort: '5432' } };
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(partial, 'S', 'rds');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_INCOMPLETE\] .*module 'rds' without rdsDbName, rdsDbUser, rdsDbPassword, rdsDbSecretArn'/);
    expect(read).toThrow(/Fix: deploy the stack again and read the file it writes: cdk deploy S --outputs-file cdk-outputs\.json$/);
  });

  test("one stack's object instead of the whole file", () => {
    // GIVEN
    const oneStack: OutputsFile = outputsFile().OrdersDb;
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(oneStack, 'OrdersDb', 'rds');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_ONE_STACK\] .*invalid outputs 'one stack's outputs \(rdsDbHost, rdsDbPort, rdsDbName, \.\.\.\), not the whole file'/);
    expect(read).toThrow(/or wrap this object as \{ 'OrdersDb': outputs \}/);
  });

  test('not an outputs object', () => {
    // GIVEN
    const notAFile: OutputsFile = [];
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(notAFile, 'S', 'rds');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_NOT_OBJECT\] .*invalid outputs 'object'\. Allowed: the parsed JSON object that `cdk deploy --outputs-file` writes/);
  });
});

describe('DatabaseLink.fromValues', () => {
  test('literal values, default port', () => {
    // GIVEN
    const values = { host: 'localhost', databaseName: 'app', username: 'u', password: 'p' };
    // WHEN
    const link = DatabaseLink.fromValues(values);
    // THEN
    expect(link).toMatchObject({ host: 'localhost', port: '5432', portNumber: 5432, password: 'p', hasCdkTokens: false, readsSecret: false });
  });

  test('the port comes out as given, a number (portNumber) and its string form for env vars (port)', () => {
    // GIVEN
    const values = { ...VALUES, port: 6432 };
    // WHEN
    const link = DatabaseLink.fromValues(values);
    // THEN
    expect([link.portNumber, link.port]).toEqual([6432, '6432']);
  });

  test('a CDK token port: portNumber is a number token, port a string token, both for the same value', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const port = Token.asNumber(new CfnResource(stack, 'C', { type: 'AWS::RDS::DBCluster' }).getAtt('Endpoint.Port'));
    // WHEN
    const link = DatabaseLink.fromValues({ ...VALUES, port });
    // THEN
    expect(Token.isUnresolved(link.portNumber)).toBe(true);
    expect(Token.isUnresolved(link.port)).toBe(true);
    expect(stack.resolve(link.portNumber)).toEqual(stack.resolve(link.port));
    expect(link.hasCdkTokens).toBe(true);
  });

  test('a reader host is kept', () => {
    // GIVEN
    const values = { ...VALUES, readerHost: 'r' };
    // WHEN
    const link = DatabaseLink.fromValues(values);
    // THEN
    expect(link.readerHost).toBe('r');
  });

  test('an empty reader host is none, as is no reader host', () => {
    // GIVEN
    const empty = { ...VALUES, readerHost: '' };
    // WHEN
    const links = [DatabaseLink.fromValues(empty), DatabaseLink.fromValues(VALUES)];
    // THEN
    expect(links.map(l => l.readerHost)).toEqual([undefined, undefined]);
  });

  test('a reader host that is a CDK token makes the link hold tokens', () => {
    // GIVEN
    const readerHost = Lazy.string({ produce: () => 'r' });
    // WHEN
    const link = DatabaseLink.fromValues({ ...VALUES, readerHost });
    // THEN
    expect(link.hasCdkTokens).toBe(true);
  });

  test('CDK tokens are detected', () => {
    // GIVEN
    const host = Lazy.string({ produce: () => 'h' });
    // WHEN
    const link = DatabaseLink.fromValues({ host, username: 'u', databaseName: 'd', secretArn: 'arn' });
    // THEN
    expect(link.hasCdkTokens).toBe(true);
  });

  test('a credential without a value and without a secret', () => {
    // GIVEN
    const values = { host: 'h', username: 'u', databaseName: 'd' };
    // WHEN
    const link = () => DatabaseLink.fromValues(values);
    // THEN
    expect(link).toThrow(/\[DATABASE_LINK_SECRET_REQUIRED\] DatabaseLink: missing secretArn\. Required: .*because password is not given/);
  });

  test('an empty host', () => {
    // GIVEN
    const values = { ...VALUES, host: '' };
    // WHEN
    const link = () => DatabaseLink.fromValues(values);
    // THEN
    expect(link).toThrow(/\[DATABASE_LINK_HOST_MISSING\] DatabaseLink: missing host/);
  });

  test('a port out of range', () => {
    // GIVEN
    const values = { ...VALUES, port: 70000 };
    // WHEN
    const link = () => DatabaseLink.fromValues(values);
    // THEN
    expect(link).toThrow(/\[DATABASE_LINK_PORT_RANGE\] .*invalid port 70000/);
  });

  test('an IAM link with a secret and without a user', () => {
    // GIVEN
    const values = { host: 'h', databaseName: 'd', region: 'us-east-1', secretArn: 'arn', authentication: DatabaseAuthentication.IAM };
    // WHEN
    const link = () => DatabaseLink.fromValues(values);
    // THEN
    expect(link).toThrow(/\[DATABASE_LINK_IAM_PROPS\] .*invalid authentication 'IAM with no username and secretArn'.*Fix: give username; drop secretArn$/);
  });

  test('secretKeyOf an unknown field', () => {
    // GIVEN
    const link = DatabaseLink.fromValues(VALUES);
    // WHEN
    const keyOf = () => link.secretKeyOf('host');
    // THEN
    expect(keyOf).toThrow(/\[DATABASE_LINK_SECRET_KEY_FIELD\] DatabaseLink\.secretKeyOf: invalid field 'host'/);
  });
});

describe('DatabaseLink.fromCdkOutputs of a database user (two outputs; the rest is its cluster\'s)', () => {
  const USER_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-XyZ123';
  const USER_LINK = '{"cluster":"rds","stack":"OrdersDb","databaseName":"orders","rotationInterval":"P7D"}';

  /** The file with a service stack Orders that holds one user of the cluster rds (its two outputs). */
  function userFile(userLink = USER_LINK): OutputsFile {
    return withStack('Orders', { rdsOrdersDbSecretArn: USER_ARN, rdsOrdersDbUserLink: userLink });
  }

  test('in a service stack: host, port and reader host from the cluster\'s stack, user and password from the secret', () => {
    // GIVEN
    const file = userFile();
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(file, 'Orders', 'rdsOrders');
    // THEN
    expect(link).toMatchObject({
      host: file.OrdersDb.rdsDbHost,
      readerHost: file.OrdersDb.rdsDbReaderHost,
      port: '5432',
      portNumber: 5432,
      databaseName: 'orders',
      username: undefined,
      password: undefined,
      secretArn: USER_ARN,
    });
    expect(link.rotationInterval?.toDays()).toBe(7);
  });

  test('an IAM user: user name and region from its link, no secret, no rotation', () => {
    // GIVEN
    const file = userFile('{"cluster":"rds","stack":"OrdersDb","databaseName":"orders","authentication":"IAM","username":"orders","region":"us-east-1"}');
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(file, 'Orders', 'rdsOrders');
    // THEN
    expect(link).toMatchObject({
      host: file.OrdersDb.rdsDbHost,
      portNumber: 5432,
      databaseName: 'orders',
      username: 'orders',
      region: 'us-east-1',
      authentication: DatabaseAuthentication.IAM,
      secretArn: undefined,
      rotationInterval: undefined,
      readsSecret: false,
    });
  });

  test('an outputs file written by earlier versions (every key under the user\'s module) still reads', () => {
    // GIVEN
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
    // WHEN
    const link = DatabaseLink.fromCdkOutputs(older, 'S', 'rdsOrders');
    // THEN
    expect(link).toMatchObject({ host: 'h', databaseName: 'orders', secretArn: USER_ARN, username: undefined });
  });

  test('a file without the cluster\'s stack is refused, naming both stacks', () => {
    // GIVEN
    const file = { Orders: userFile().Orders };
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(file, 'Orders', 'rdsOrders');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_CLUSTER_STACK_MISSING\] .*invalid outputs 'a file without the stack 'OrdersDb', which holds the outputs of the cluster 'rds' of user module 'rdsOrders''/);
    expect(read).toThrow(/Fix: deploy both into one file: cdk deploy OrdersDb Orders --outputs-file cdk-outputs\.json$/);
  });

  test('a user link that is not cdk-aurora-postgres\'s JSON is refused', () => {
    // GIVEN
    const bad = userFile('rds');
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(bad, 'Orders', 'rdsOrders');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_USER_LINK_INVALID\] .*invalid outputs\['Orders'\]\['rdsOrdersDbUserLink'\] 'rds'\. Allowed: JSON with cluster, stack and databaseName \(and rotationInterval\), next to rdsOrdersDbSecretArn/);
  });

  test('a user link with a rotation interval that is not ISO 8601 is refused', () => {
    // GIVEN
    const bad = userFile('{"cluster":"rds","stack":"OrdersDb","databaseName":"orders","rotationInterval":"30 days"}');
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(bad, 'Orders', 'rdsOrders');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_ROTATION_INVALID\] .*invalid outputs\['Orders'\]\['rdsOrdersDbUserLink'\] '30 days'\. Allowed: an ISO 8601 duration/);
  });

  test('a wrong module name lists the users\' modules too', () => {
    // GIVEN
    const file = userFile();
    // WHEN
    const read = () => DatabaseLink.fromCdkOutputs(file, 'Orders', 'orders');
    // THEN
    expect(read).toThrow(/\[OUTPUTS_FILE_MODULE_UNKNOWN\] .*Allowed: a module with link outputs in stack 'Orders': 'rdsOrders'/);
  });
});

describe('rdsProxy: whether the host is an RDS Proxy endpoint (the chart then trusts the proxy roots)', () => {
  test.each([
    ['orders.proxy-c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com', true],
    ['reader.endpoint.proxy-c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com', true],
    ['orders.cluster-c1a2b3d4e5f6.eu-west-1.rds.amazonaws.com', false],
    ['db.internal.example.com', false],
  ])('from the literal host %s: %s', (host, proxy) => {
    // GIVEN
    const values = { ...VALUES, host };
    // WHEN
    const link = DatabaseLink.fromValues(values);
    // THEN
    expect(link.rdsProxy).toBe(proxy);
  });

  test('a CDK token host: unknown unless given', () => {
    // GIVEN
    const stack = new Stack(new App(), 'S');
    const host = new CfnResource(stack, 'C', { type: 'AWS::RDS::DBCluster' }).getAtt('Endpoint.Address').toString();
    const link = (rdsProxy?: boolean) => DatabaseLink.fromValues({ ...VALUES, host, rdsProxy });
    // WHEN
    const proxies = [link().rdsProxy, link(true).rdsProxy, link(false).rdsProxy];
    // THEN
    expect(proxies).toEqual([undefined, true, false]);
  });
});
