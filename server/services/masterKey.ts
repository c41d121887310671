import type { Config } from '../../config/index.js';
import { OrganisationKey, type OrganisationKeyDoc } from '../models/organisationKey.js';
import { User } from '../models/user.js';
import { mfaBox } from './auth.js';
import { unwrap, wrap } from './documents/keys.js';

/** What a rotation did: records moved to the new key, records found already under it, records neither key opens. */
export interface RotationReport {
  organisationKeys: { rewrapped: number; already: number };
  totpSecrets: { resealed: number; already: number };
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
 * organisation's data key and re-seals every TOTP secret; the document blobs, sealed with the data
 * keys, do not change. Each record that already opens with the new key is left alone, so a run
 * stopped half-way is finished by running it again. Every hub process must be stopped: a running hub
 * would create keys under the old master key.
 */
export async function rotateMasterKey(config: Config, newKey: Buffer): Promise<RotationReport> {
  const report: RotationReport = { organisationKeys: { rewrapped: 0, already: 0 }, totpSecrets: { resealed: 0, already: 0 }, failures: [] };

  for (const doc of await OrganisationKey.find({}).lean<OrganisationKeyDoc[]>()) {
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
    await OrganisationKey.updateOne({ _id: doc._id, wrapped: doc.wrapped }, { $set: { wrapped } });
    report.organisationKeys.rewrapped++;
  }

  const [oldBox, newBox] = [mfaBox(config), mfaBox({ ...config, masterKey: newKey })];
  const users = await User.find({}, { mfaSecret: 1, mfaPendingSecret: 1 }).lean();
  for (const user of users) {
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
    await User.updateOne({ _id: user._id }, { $set: change }, { timestamps: false });
    report.totpSecrets.resealed += Object.keys(change).length;
  }
  return report;
}
