import { isDuplicateKey } from '../../store/claim.js';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { OrganisationKey, type OrganisationKeyDoc } from '../../models/organisationKey.js';
import { IntegrityError, KEY_ID_LENGTH } from './crypto.js';

/** An organisation's data key in clear, as only this process's memory holds it. */
export interface DataKey {
  organisationId: string;
  generation: number;
  /** organisation id (12 bytes) | generation (uint32 BE): what a blob header names. */
  keyId: Buffer;
  key: Buffer;
}

const GENERATION = 1;
// One master key per process, so the organisation id alone names a cached key.
const cache = new Map<string, Promise<DataKey>>();

// The wrapped key is bound to its organisation and generation (AAD): a wrapped key copied onto
// another organisation's record does not unwrap.
const wrapAad = (organisationId: string, generation: number) => Buffer.from(`partner-hub/organisation-key/v1/${organisationId}/${generation}`);

/** The key id a blob header carries for an organisation's key of `generation`. */
export function keyIdOf(organisationId: string, generation: number): Buffer {
  const id = Buffer.alloc(KEY_ID_LENGTH);
  Buffer.from(organisationId, 'hex').copy(id, 0);
  id.writeUInt32BE(generation, 12);
  return id;
}

/** An organisation's data key wrapped with the master key, bound to the organisation and generation. */
export function wrap(masterKey: Buffer, organisationId: string, generation: number, key: Buffer): string {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', masterKey, nonce);
  cipher.setAAD(wrapAad(organisationId, generation));
  const sealed = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([nonce, sealed, cipher.getAuthTag()]).toString('base64');
}

/** An organisation's data key, unwrapped with the master key; IntegrityError when it does not unwrap (another master key). */
export function unwrap(masterKey: Buffer, doc: OrganisationKeyDoc): Buffer {
  const organisationId = doc._id.toString();
  const raw = Buffer.from(doc.wrapped, 'base64');
  if (raw.length !== 12 + 32 + 16) throw new IntegrityError(`the data key of organisation ${organisationId} is damaged`);
  const decipher = createDecipheriv('aes-256-gcm', masterKey, raw.subarray(0, 12));
  decipher.setAAD(wrapAad(organisationId, doc.generation));
  decipher.setAuthTag(raw.subarray(44));
  try {
    return Buffer.concat([decipher.update(raw.subarray(12, 44)), decipher.final()]);
  } catch {
    throw new IntegrityError(`the data key of organisation ${organisationId} does not unwrap with HUB_MASTER_KEY`);
  }
}

async function loadOrCreate(masterKey: Buffer, organisationId: string, create: boolean): Promise<DataKey> {
  const _id = new mongoose.Types.ObjectId(organisationId);
  let doc: OrganisationKeyDoc | null = await OrganisationKey.findById(_id).lean<OrganisationKeyDoc>();
  // Reading never creates a key: a missing one means the documents sealed with it cannot be opened.
  if (!doc && !create) throw new IntegrityError(`organisation ${organisationId} has no data key`);
  if (!doc) {
    const created: OrganisationKeyDoc = {
      _id, generation: GENERATION, algorithm: 'aes-256-gcm', createdAt: new Date(),
      wrapped: wrap(masterKey, organisationId, GENERATION, randomBytes(32)),
    };
    try {
      await OrganisationKey.create(created);
      doc = created;
    } catch (error) {
      // Another request or process created it first: its key is the organisation's key.
      if (!isDuplicateKey(error)) throw error;
      doc = await OrganisationKey.findById(_id).lean<OrganisationKeyDoc>();
      if (!doc) throw error;
    }
  }
  return { organisationId, generation: doc.generation, keyId: keyIdOf(organisationId, doc.generation), key: unwrap(masterKey, doc) };
}

/**
 * The data key of an organisation; `create` (for sealing) makes it on first use: random, wrapped with
 * the master key. Opening (`create: false`) fails with IntegrityError when there is none.
 */
export function dataKeyOf(masterKey: Buffer, organisationId: string, create = true): Promise<DataKey> {
  let found = cache.get(organisationId);
  if (!found) {
    found = loadOrCreate(masterKey, organisationId, create);
    cache.set(organisationId, found);
    found.catch(() => cache.delete(organisationId));
  }
  return found;
}

/** The organisation a key id names, and its generation. */
export function parseKeyId(keyId: Buffer): { organisationId: string; generation: number } {
  return { organisationId: keyId.subarray(0, 12).toString('hex'), generation: keyId.readUInt32BE(12) };
}

/** Forgets the keys held in memory (tests; a restored database). */
export function forgetDataKeys(): void {
  cache.clear();
}
