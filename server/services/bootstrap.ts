import type { Logger } from 'pino';
import type { Config } from '../../config/index.js';
import { OFFICE_SLUG } from '../../shared/roles.js';
import { hashPassword } from '../auth/passwords.js';
import { Organisation } from '../models/organisation.js';
import { User } from '../models/user.js';
import { recordAudit } from './audit.js';

/** The Office's organisation, created at start if missing (several processes may race: the slug is unique). */
export async function ensureOffice() {
  const found = await Organisation.findOne({ slug: OFFICE_SLUG }).lean();
  if (found) return found;
  try {
    await Organisation.create({ slug: OFFICE_SLUG, name: 'UN Office on Genocide Prevention and the Responsibility to Protect', kind: 'office' });
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
  return (await Organisation.findOne({ slug: OFFICE_SLUG }).lean())!;
}

/** Start-up data: the Office, and the bootstrap admin from HUB_ADMIN_EMAIL / HUB_ADMIN_PASSWORD. */
export async function bootstrap(config: Config, log: Logger): Promise<void> {
  const office = await ensureOffice();
  if (!config.adminEmail) return;
  if (await User.exists({ email: config.adminEmail })) return;
  if (!config.adminPassword) {
    log.warn('HUB_ADMIN_EMAIL is set without HUB_ADMIN_PASSWORD; no admin was created');
    return;
  }
  try {
    const user = await User.create({
      email: config.adminEmail, name: 'Hub administrator', role: 'admin', organisationId: office._id,
      passwordHash: await hashPassword(config.adminPassword),
    });
    await recordAudit({
      actor: { userId: null, organisationId: null }, action: 'user.create',
      target: { type: 'user', id: user._id.toString(), organisationId: office._id.toString() },
      ip: null, outcome: 'success', details: { email: config.adminEmail, role: 'admin', bootstrap: true },
    });
    log.info({ email: config.adminEmail }, 'created the bootstrap Office admin');
  } catch (error) {
    if ((error as { code?: number }).code !== 11000) throw error;
  }
}
