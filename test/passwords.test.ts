import { expect } from 'chai';
import { hashPassword, verifyPassword } from '../server/auth/passwords.js';

describe('password hashing', () => {
  it('stores argon2id with the OWASP parameters (19 MiB, 2 iterations) and verifies', async () => {
    const stored = await hashPassword('correct horse battery staple');
    expect(stored).to.match(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await verifyPassword(stored, 'correct horse battery staple')).to.equal(true);
    expect(await verifyPassword(stored, 'wrong horse battery staple')).to.equal(false);
    expect(await verifyPassword('not a hash', 'x')).to.equal(false);
  });
});
