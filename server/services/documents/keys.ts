import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { OrganisationKeyDoc } from '../../models/organisationKey.js';
import type { DocumentRepository } from '../../repositories/documents.js';
import { toId } from '../../repositories/ids.js';
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

/**
 * The organisations' data keys in clear, as this process holds them: unwrapped with the master key on
 * first use, created (random, wrapped) on the first seal of an organisation.
 */
export class DataKeys {
  // One master key per process, so the organisation id alone names a kept key.
  private readonly kept = new Map<string, Promise<DataKey>>();

  constructor(
    private readonly masterKey: Buffer,
    private readonly documents: DocumentRepository,
  ) {}

  /**
   * The data key of an organisation; `create` (for sealing) makes it on first use. Opening
   * (`create: false`) fails with IntegrityError when there is none.
   */
  of(organisationId: string, create = true): Promise<DataKey> {
    let found = this.kept.get(organisationId);
    if (!found) {
      found = this.loadOrCreate(organisationId, create);
      this.kept.set(organisationId, found);
      found.catch(() => this.kept.delete(organisationId));
    }
    return found;
  }

  private async loadOrCreate(organisationId: string, create: boolean): Promise<DataKey> {
    let doc = await this.documents.key(organisationId);
    // Reading never creates a key: a missing one means the documents sealed with it cannot be opened.
    if (!doc && !create) throw new IntegrityError(`organisation ${organisationId} has no data key`);
    if (!doc) {
      const created: OrganisationKeyDoc = {
        _id: toId(organisationId),
        generation: GENERATION,
        algorithm: 'aes-256-gcm',
        createdAt: new Date(),
        wrapped: wrap(this.masterKey, organisationId, GENERATION, randomBytes(32)),
      };
      // Another request or process may have created it first: its key is the organisation's key.
      doc = (await this.documents.createKey(created)) ? created : await this.documents.key(organisationId);
      if (!doc) throw new Error(`the data key of organisation ${organisationId} was neither created nor found`);
    }
    return { organisationId, generation: doc.generation, keyId: keyIdOf(organisationId, doc.generation), key: unwrap(this.masterKey, doc) };
  }
}

/** The organisation a key id names, and its generation. */
export function parseKeyId(keyId: Buffer): { organisationId: string; generation: number } {
  return { organisationId: keyId.subarray(0, 12).toString('hex'), generation: keyId.readUInt32BE(12) };
}
