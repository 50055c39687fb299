import { Construct } from 'constructs';
import { AuroraPostgres, DatabaseUser } from '../../../src';
import { clusterUsersOf } from '../../../src/private/users/cluster-users';
import { testStack } from '../../util';

// The users' side of a cluster lives on the cluster's construct (its `_users` member), not in a module-level
// registry: each cluster keeps its own names, and a cluster is found by its members.

test('each cluster keeps its own user names: the same name on two clusters is two users', () => {
  // GIVEN
  const { stack, vpc } = testStack();
  const orders = new AuroraPostgres(stack, 'orders', { vpc });
  const billing = new AuroraPostgres(stack, 'billing', { vpc });
  // WHEN
  orders.addDatabaseUser('app', { username: 'app' });
  new DatabaseUser(stack, 'BillingApp', { database: billing, username: 'app' });
  // THEN
  expect(clusterUsersOf(orders)?.usernames()).toEqual(['app']);
  expect(clusterUsersOf(billing)?.usernames()).toEqual(['app']);
});

test('the users\' side is found by its members, not instanceof (a cluster made by another copy of this package)', () => {
  // GIVEN
  const { stack, vpc } = testStack();
  const db = new AuroraPostgres(stack, 'rds', { vpc });
  const users = clusterUsersOf(db)!;
  const copy = Object.assign(new Construct(stack, 'Copy'), {
    _users: { add: users.add.bind(users), provisioner: users.provisioner.bind(users) },
  });
  // WHEN
  const found = clusterUsersOf(copy);
  // THEN
  expect(found).toBe(copy._users);
  expect(clusterUsersOf(new Construct(stack, 'Plain'))).toBeUndefined();
});
