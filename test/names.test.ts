import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { AUDIT_ACTIONS, auditActionKey } from '../shared/auditActions.js';
import { text } from '../server/demo/documentFiles.js';
import { documentFields, uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, createAssessment, createTenant } from './helpers/factories.js';
import { get, patch } from './helpers/http.js';

/** Names where the web app showed ids (issue 18): authors of versions and audit actors and targets. */
describe('names instead of ids', () => {
  it('names the authors of assessment and document versions to their readers', async () => {
    const { analyst, member } = await createTenant();
    const assessment = await createAssessment(analyst, {}, true);
    const read = await get(`/api/assessments/${assessment.id}?names=1`, member.token);
    expect(read.status).to.equal(200);
    expect(read.body.names[analyst.id]).to.match(/^Test analyst /);
    // Asked for: the plain read keeps the shape of §6.
    expect((await get(`/api/assessments/${assessment.id}`, member.token)).body).to.not.have.property('names');

    const uploaded = await uploadDocument(analyst.token, { name: 'notes.txt', bytes: text('Notes.') });
    const document = await get(`/api/documents/${uploaded.body.id}?names=1`, member.token);
    expect(document.body.names[analyst.id]).to.match(/^Test analyst /);
  });

  it('gives audit titles and names only where the reader may see them', async () => {
    const owner = await createTenant();
    const reader = await createTenant();
    const office = await asOfficeAdmin();
    const shared = { scope: 'selected', organisations: [reader.organisation.id] };
    const uploaded = await uploadDocument(
      owner.analyst.token,
      { name: 'plan.txt', bytes: text('Plan.') },
      documentFields({ title: 'Secret plan', sharing: shared }),
    );
    expect(uploaded.status).to.equal(201);
    const id = uploaded.body.id as string;
    expect((await get(`/api/documents/${id}`, reader.member.token)).status).to.equal(200);

    const readsOf = async (token: string) => {
      const answer = await get(`/api/audit?action=document.read&target=${id}&names=1`, token);
      expect(answer.status).to.equal(200);
      return answer.body.items as { actor: { userId: string }; actorName: string | null; targetTitle: string | null }[];
    };
    const readBy = async (token: string) => {
      const found = (await readsOf(token)).find((r) => r.actor.userId === reader.member.id);
      if (!found) throw new Error('the read is not on the trail');
      return found;
    };
    const seen = await readBy(reader.admin.token);
    expect(seen.targetTitle).to.equal('Secret plan');
    expect(seen.actorName).to.match(/^Test member /);
    // The owner's admin sees the read but not the name of another organisation's person.
    const byOther = await readBy(owner.admin.token);
    expect(byOther.targetTitle).to.equal('Secret plan');
    expect(byOther.actorName).to.equal(null);

    // No longer shared with the reader's organisation: its admin keeps the record, not the title.
    const unshared = await patch(`/api/documents/${id}`, { sharing: { scope: 'organisation', organisations: [] } }, owner.analyst.token);
    expect(unshared.status).to.equal(200);
    const after = await readBy(reader.admin.token);
    expect(after.targetTitle).to.equal(null);
    expect(JSON.stringify(await readsOf(reader.admin.token))).not.to.contain('Secret plan');
    expect((await readBy(office.token)).actorName).to.match(/^Test member /);
  });

  it('has a label for every audit action in every language', () => {
    for (const locale of ['en', 'fr', 'ar']) {
      const messages = JSON.parse(readFileSync(new URL(`../client/src/lib/i18n/${locale}.json`, import.meta.url), 'utf8')) as Record<string, string>;
      const missing = AUDIT_ACTIONS.filter((action) => !messages[auditActionKey(action)]);
      expect(missing, locale).to.deep.equal([]);
    }
  });
});
