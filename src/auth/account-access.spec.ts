import { accountScope, assertAccountAccess } from './account-access';
import { Role } from './role';

describe('account access', () => {
  const limited = { id: '1', role: Role.READER, accountIds: ['10', '20'] };
  const unlimited = { id: '2', role: Role.READER, accountIds: null };

  it('scopes a limited key to its own accounts, or to the one asked for among them', () => {
    expect(accountScope(limited)).toEqual(['10', '20']);
    expect(accountScope(limited, '20')).toEqual(['20']);
    expect(() => accountScope(limited, '30')).toThrow('this API key has no access to account 30');
  });

  it('leaves an unlimited key unscoped unless an account is asked for', () => {
    expect(accountScope(unlimited)).toBeNull();
    expect(accountScope(unlimited, '30')).toEqual(['30']);
    expect(() => assertAccountAccess(unlimited, '30')).not.toThrow();
  });
});
