import mongoose, { type Types } from 'mongoose';
import { SecretBox } from '../auth/secretBox.js';
import { MAGIC } from '../services/documents/crypto.js';
import { unwrap } from '../services/documents/keys.js';
import { BackupFileError, readBackup, type BackupHeader, type BackupTrailer } from './format.js';
import { COLLECTIONS } from './order.js';

/** The master key the command found, and where (said in messages, never the key itself). */
export interface MasterKey {
  key: Buffer;
  source: string;
}

/** A backup that needs another HUB_MASTER_KEY than the one configured, or one when none is. */
export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

const HINT =
  "Restore with the HUB_MASTER_KEY of the hub that made the backup: set HUB_MASTER_KEY, or copy that hub's DATA_DIR/secrets/master.key into this DATA_DIR/secrets/.";

/** Unwraps one organisation key of the backup (a document as read back from Extended JSON). */
function checkOrganisationKey(masterKey: MasterKey, doc: Record<string, unknown>): void {
  const key = { _id: doc._id as Types.ObjectId, generation: Number(doc.generation), wrapped: String(doc.wrapped) };
  try {
    unwrap(masterKey.key, key as Parameters<typeof unwrap>[1]);
  } catch {
    throw new MasterKeyError(
      `the master key from ${masterKey.source} does not match this backup: the data key of organisation ${String(doc._id)} does not unwrap with it. ${HINT}`,
    );
  }
}

function checkSealedSecret(masterKey: MasterKey, sealed: string): void {
  try {
    // The purpose the hub seals TOTP secrets with (services/auth/login.ts, mfaBox).
    new SecretBox(masterKey.key, 'mfa-secret').open(sealed);
  } catch {
    throw new MasterKeyError(`the master key from ${masterKey.source} does not match this backup: its two-factor secrets do not open with it. ${HINT}`);
  }
}

/** Checks the header's sample of wrapped keys against the master key, before anything else is read. */
export function checkHeaderKeys(header: BackupHeader, masterKey: MasterKey | null, required: boolean): void {
  const { organisationKey, sealedSecret } = header.keyCheck ?? { organisationKey: null, sealedSecret: null };
  if (!organisationKey && !sealedSecret) return;
  if (!masterKey) {
    if (!required) return;
    throw new MasterKeyError(`this backup holds data sealed with a master key, and none is configured. ${HINT}`);
  }
  if (organisationKey)
    checkOrganisationKey(masterKey, mongoose.mongo.BSON.EJSON.deserialize(organisationKey as object, { relaxed: false }) as Record<string, unknown>);
  if (sealedSecret) checkSealedSecret(masterKey, sealedSecret);
}

/** What a whole verified backup holds. */
export interface VerifiedBackup {
  header: BackupHeader;
  trailer: BackupTrailer;
}

/**
 * Reads a whole backup file and checks it: structure, counts, each blob's SHA-256 and that it is a
 * sealed blob (never plaintext), the hash of the whole file, and — when `masterKey` is given — that
 * every organisation key in it unwraps with it (the header's sample first, so a wrong key is reported
 * at once). Without a master key, a backup holding sealed data fails if `keyRequired`.
 */
export async function verifyBackup(
  file: string,
  masterKey: MasterKey | null,
  options: { keyRequired: boolean; signal?: AbortSignal | undefined },
): Promise<VerifiedBackup> {
  const { keyRequired, signal } = options;
  let header: BackupHeader | null = null;
  let firstChunk = false;
  for await (const entry of readBackup(file)) {
    signal?.throwIfAborted();
    switch (entry.kind) {
      case 'header':
        header = entry.header;
        checkHeaderKeys(header, masterKey, keyRequired);
        break;
      case 'doc':
        if (masterKey && entry.collection === COLLECTIONS.organisationKeys) checkOrganisationKey(masterKey, entry.doc);
        break;
      case 'blob':
        firstChunk = true;
        break;
      case 'data':
        if (firstChunk && !entry.bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
          throw new BackupFileError(`blob ${entry.id} is not a sealed Partner Hub blob`);
        }
        firstChunk = false;
        break;
      case 'blobEnd':
        if (firstChunk) throw new BackupFileError(`blob ${entry.id} is empty, not a sealed Partner Hub blob`);
        break;
      case 'end':
        return { header: header!, trailer: entry.trailer };
      default:
        break;
    }
  }
  throw new BackupFileError('the backup has no end: it is truncated');
}
