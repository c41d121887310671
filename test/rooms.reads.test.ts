import { expect } from 'chai';
import mongoose from 'mongoose';
import { advanceReadMarkers, organisationReads, readMarkerOf } from '../server/repositories/rooms.js';
import { ReadMarkers } from '../server/services/rooms/readMarkers.js';

const newId = () => new mongoose.Types.ObjectId().toString();

/** The mongoose calls on the read-marker collections while `work` runs (mongoose's debug hook sees every one). */
async function markerCalls(work: () => Promise<unknown>): Promise<string[]> {
  const calls: string[] = [];
  mongoose.set('debug', (collection: string, method: string) => {
    if (collection === 'readmarkers' || collection === 'organisationreads') calls.push(`${method} ${collection}`);
  });
  try {
    await work();
  } finally {
    mongoose.set('debug', false);
  }
  return calls;
}

describe('read markers of senders (§8)', () => {
  it('writes the moves of every sender in a few bulk writes, counts what is not yet written, never moves back', async () => {
    const roomId = newId();
    const organisations = [newId(), newId(), newId()];
    const users = Array.from({ length: 120 }, newId);
    const markers = new ReadMarkers();
    users.forEach((id, i) => markers.markOwnMessage(roomId, { id, organisationId: organisations[i % 3]! }, i + 1));
    expect(await markers.readUpTo(roomId, users[5]!), 'from memory before the flush').to.equal(6);

    // In parts of 10: FerretDB 1.24 stops answering after an update of 100 statements (the flush would hang here). Twice: the second updates.
    for (let round = 1; round <= 2; round++) {
      if (round === 2) users.forEach((id, i) => markers.markOwnMessage(roomId, { id, organisationId: organisations[i % 3]! }, i + 1));
      expect((await markerCalls(() => markers.flush())).sort()).to.deep.equal([
        'bulkWrite organisationreads',
        ...Array<string>(12).fill('bulkWrite readmarkers'),
      ]);
    }
    // Another process reads what was written.
    const other = new ReadMarkers();
    expect(await other.readUpTo(roomId, users[5]!)).to.equal(6);
    expect(await other.readUpTo(roomId, newId())).to.equal(0);
    expect(await other.organisationReads(roomId, organisations)).to.deep.equal(new Map(organisations.map((id, i) => [id, 120 - ((119 - i) % 3)])));

    markers.markOwnMessage(roomId, { id: users[5]!, organisationId: organisations[0]! }, 2);
    await markers.flush();
    expect(await readMarkerOf(roomId, users[5]!), 'never back').to.equal(6);
    expect(await markerCalls(() => markers.flush()), 'nothing to write, nothing sent').to.deep.equal([]);
  });

  it('lands every move of a write whose first marker for a user collided with another writer', async () => {
    // Ten rooms at once, so that some upsert collides (FerretDB then left the rest of the bulk write undone).
    // Which of the two racing seqs stands is FerretDB's (its updates are read-then-write); both are valid.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        const roomId = newId();
        const [racer, ...others] = Array.from({ length: 4 }, newId);
        await Promise.all([
          advanceReadMarkers([{ roomId, id: racer!, seq: 9 }, ...others.map((id, i) => ({ roomId, id, seq: i + 1 }))]),
          advanceReadMarkers([{ roomId, id: racer!, seq: 5 }]),
        ]);
        expect(await readMarkerOf(roomId, racer!)).to.be.oneOf([5, 9]);
        expect(await Promise.all(others.map((id) => readMarkerOf(roomId, id)))).to.deep.equal([1, 2, 3]);
      }),
    );
    expect(await organisationReads(newId(), [newId()])).to.deep.equal(new Map());
  });
});
