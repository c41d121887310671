import type { Config } from '../../config/index.js';
import { SecretBox } from '../auth/secretBox.js';
import { DocumentRepository } from '../repositories/documents.js';
import { OrganisationRepository } from '../repositories/organisations.js';
import { UserRepository } from '../repositories/users.js';
import { WEBHOOK_SECRETS, WebhookRepository } from '../repositories/webhooks.js';
import { mfaBox } from '../services/auth/login.js';
import { unwrap, wrap } from '../services/documents/keys.js';

/** What a rotation did: records moved to the new key, records found already under it, records neither key opens. */
export interface RotationReport {
  organisationKeys: { rewrapped: number; already: number };
  totpSecrets: { resealed: number; already: number };
  webhookSecrets: { resealed: number; already: number };
  failures: string[];
}

/** What `open` gives, or undefined when it throws (the record is sealed under another key). */
function attempt<T>(open: () => T): T | undefined {
  try {
    return open();
  } catch {
    return undefined;
  }
}

/**
 * Moves everything HUB_MASTER_KEY protects from `config.masterKey` to `newKey`: re-wraps every
 * organisation's data key and re-seals every TOTP secret and webhook signing secret; the document blobs, sealed with the data
 * keys, do not change. Each record that already opens with the new key is left alone, so a run
 * stopped half-way is finished by running it again. Every hub process must be stopped: a running hub
 * would create keys under the old master key.
 */
export async function rotateMasterKey(config: Config, newKey: Buffer): Promise<RotationReport> {
  const report: RotationReport = {
    organisationKeys: { rewrapped: 0, already: 0 },
    totpSecrets: { resealed: 0, already: 0 },
    webhookSecrets: { resealed: 0, already: 0 },
    failures: [],
  };

  const documents = new DocumentRepository(new OrganisationRepository());
  const users = new UserRepository();
  for (const doc of await documents.keys()) {
    const organisationId = doc._id.toString();
    if (attempt(() => unwrap(newKey, doc))) {
      report.organisationKeys.already++;
      continue;
    }
    const key = attempt(() => unwrap(config.masterKey, doc));
    if (!key) {
      report.failures.push(`the data key of organisation ${organisationId} opens with neither key`);
      continue;
    }
    const wrapped = wrap(newKey, organisationId, doc.generation, key);
    await documents.rewrapKey(doc, wrapped);
    report.organisationKeys.rewrapped++;
  }

  const [oldBox, newBox] = [mfaBox(config), mfaBox({ ...config, masterKey: newKey })];
  for (const user of await users.secrets()) {
    const change: Record<string, string> = {};
    for (const field of ['mfaSecret', 'mfaPendingSecret'] as const) {
      const sealed = user[field];
      if (!sealed) continue;
      if (attempt(() => newBox.open(sealed)) !== undefined) {
        report.totpSecrets.already++;
        continue;
      }
      const secret = attempt(() => oldBox.open(sealed));
      if (secret === undefined) {
        report.failures.push(`the ${field} of user ${user._id.toString()} opens with neither key`);
        continue;
      }
      change[field] = newBox.seal(secret);
    }
    if (Object.keys(change).length === 0) continue;
    await users.rewrite(user._id, change);
    report.totpSecrets.resealed += Object.keys(change).length;
  }

  const webhooks = new WebhookRepository();
  const [oldHooks, newHooks] = [new SecretBox(config.masterKey, WEBHOOK_SECRETS), new SecretBox(newKey, WEBHOOK_SECRETS)];
  for (const hook of await webhooks.all()) {
    if (attempt(() => newHooks.open(hook.secretSealed)) !== undefined) {
      report.webhookSecrets.already++;
      continue;
    }
    const secret = attempt(() => oldHooks.open(hook.secretSealed));
    if (secret === undefined) {
      report.failures.push(`the secret of webhook ${hook._id.toString()} opens with neither key`);
      continue;
    }
    await webhooks.reseal(hook._id, newHooks.seal(secret));
    report.webhookSecrets.resealed++;
  }
  return report;
}
