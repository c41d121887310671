import type { Logger } from 'pino';
import { hashPassword } from '../auth/passwords.js';
import type { Domain } from '../domain.js';
import { recordAudit } from './audit.js';

/** Start-up data: the Office, and the bootstrap admin from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD. */
export async function bootstrap(domain: Domain, log: Logger): Promise<void> {
  const { config, repos } = domain;
  const office = await repos.organisations.ensureOffice();
  if (!config.adminEmail) return;
  if (await repos.users.emailTaken(config.adminEmail)) return;
  if (!config.adminPassword) {
    log.warn('HUB_ADMIN_EMAIL is set without HUB_ADMIN_PASSWORD; no admin was created');
    return;
  }
  // Several processes may race here: the email is unique, so one creates the admin.
  const user = await repos.users.create({
    email: config.adminEmail,
    name: 'Hub administrator',
    role: 'admin',
    organisationId: office._id,
    passwordHash: await hashPassword(config.adminPassword),
  });
  if (!user) return;
  await recordAudit({
    actor: { userId: null, organisationId: null },
    action: 'user.create',
    target: { type: 'user', id: user._id.toString(), organisationId: office._id.toString() },
    ip: null,
    outcome: 'success',
    details: { email: config.adminEmail, role: 'admin', bootstrap: true },
  });
  log.info({ email: config.adminEmail }, 'created the bootstrap Office admin');
}
