import { expect } from 'chai';
import { uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, createAssessment, createTenant, createUser } from './helpers/factories.js';
import { get, patch, post } from './helpers/http.js';
import { testDomain } from './helpers/hub.js';

type Tenant = Awaited<ReturnType<typeof createTenant>>;
interface Notice {
  type: string;
  subject: { kind: string; id: string; title: string | null };
}

const selected = (...organisations: string[]) => ({ scope: 'selected', organisations });
const day = (offsetDays: number, from = new Date()) => new Date(from.getTime() + offsetDays * 86_400_000).toISOString().slice(0, 10);

function alertBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    country: 'KEN',
    level: 'warning',
    title: 'Hate speech before the vote',
    summary: 'Radio incitement rising.',
    classification: 'unclassified',
    sharing: { scope: 'office', organisations: [] },
    ...overrides,
  };
}

async function issue(token: string, overrides: Record<string, unknown> = {}) {
  const res = await post('/api/alerts', alertBody(overrides), token);
  if (res.status !== 201) throw new Error(`issuing answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const notices = async (token: string) => (await get<{ items: Notice[] }>('/api/notifications?limit=100', token)).body.items;

/** Polls a user's notifications until `check` holds (the fan-out runs after the action answered), up to 10 s. */
async function eventually(token: string, check: (items: Notice[]) => boolean): Promise<Notice[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const items = await notices(token);
    if (check(items) || Date.now() > deadline) return items;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
const about = (items: Notice[], type: string, id: string) => items.filter((n) => n.type === type && n.subject.id === id);

describe('alerts and recommended actions (§12)', () => {
  let issuer: Tenant;
  let partner: Tenant;
  let stranger: Tenant;

  before(async () => {
    [issuer, partner, stranger] = await Promise.all([createTenant(), createTenant(), createTenant()]);
  });

  it('is seen by its audience only: an organisation outside gets 404 everywhere, /api/actions included', async () => {
    const alert = await issue(issuer.analyst.token, {
      sharing: selected(partner.organisation.id),
      actions: [{ text: 'Brief the mediators', ownerOrganisationId: partner.organisation.id, dueDate: day(20) }],
    });
    expect(alert).to.include({ organisationId: issuer.organisation.id, level: 'warning', status: 'open', tlp: 'amber', country: 'KEN' });
    expect(alert.links).to.deep.equal({ assessments: [], documents: [], rooms: [] });
    expect(alert.acknowledgements).to.deep.equal([]);
    const [action] = alert.actions;
    expect(action).to.include({ alertId: alert.id, status: 'open', ownerOrganisationId: partner.organisation.id });
    expect(action.updates).to.deep.equal([]);

    const s = stranger.admin.token;
    for (const res of [
      await get(`/api/alerts/${alert.id}`, s),
      await patch(`/api/alerts/${alert.id}`, { status: 'closed' }, s),
      await post(`/api/alerts/${alert.id}/acknowledge`, {}, s),
      await post(`/api/alerts/${alert.id}/actions`, { text: 'x', ownerOrganisationId: stranger.organisation.id, dueDate: day(3) }, s),
      await patch(`/api/actions/${action.id}`, { status: 'done' }, s),
      await get(`/api/actions/${action.id}`, s),
    ]) {
      expect(res.status, JSON.stringify(res.body)).to.equal(404);
    }
    expect((await get('/api/alerts', s)).body.items.map((a: { id: string }) => a.id)).not.to.include(alert.id);
    expect((await get('/api/actions', s)).body.items.map((a: { id: string }) => a.id)).not.to.include(action.id);

    // The partner's member and the Office read it; the partner sees the action as its own.
    expect((await get(`/api/alerts/${alert.id}`, partner.member.token)).status).to.equal(200);
    expect((await get('/api/alerts?country=KEN&status=open', partner.member.token)).body.items.map((a: { id: string }) => a.id)).to.include(alert.id);
    expect((await get(`/api/alerts/${alert.id}`, (await asOfficeAdmin()).token)).status).to.equal(200);
    const mine = await get('/api/actions?assigned=mine&status=open,in-progress', partner.member.token);
    expect(mine.body.items.map((a: { id: string }) => a.id)).to.include(action.id);
    expect((await get('/api/actions?assigned=mine', issuer.member.token)).body.items.map((a: { id: string }) => a.id)).not.to.include(action.id);
    expect((await get('/api/alerts?level=urgent', partner.member.token)).body.items.map((a: { id: string }) => a.id)).not.to.include(alert.id);
  });

  it('lets only the roles of the contract act: members 403, the owner or issuer updates an action', async () => {
    expect((await post('/api/alerts', alertBody(), issuer.member.token)).status).to.equal(403);
    const alert = await issue(issuer.admin.token, {
      sharing: selected(partner.organisation.id),
      actions: [{ text: 'Convene the working group', ownerOrganisationId: partner.organisation.id, dueDate: day(30) }],
    });
    const actionId = alert.actions[0].id;
    expect((await patch(`/api/alerts/${alert.id}`, { level: 'urgent' }, partner.admin.token)).status).to.equal(403);
    expect((await patch(`/api/alerts/${alert.id}`, { level: 'urgent' }, issuer.member.token)).status).to.equal(403);
    expect(
      (await post(`/api/alerts/${alert.id}/actions`, { text: 'x', ownerOrganisationId: partner.organisation.id, dueDate: day(5) }, partner.analyst.token))
        .status,
    ).to.equal(403);
    expect((await patch(`/api/actions/${actionId}`, { status: 'done' }, partner.member.token)).status).to.equal(403);
    expect((await patch(`/api/actions/${actionId}`, { status: 'done' }, (await asOfficeAdmin()).token)).status).to.equal(403);

    const started = await patch(`/api/actions/${actionId}`, { status: 'in-progress', note: 'Meeting set for Monday' }, partner.analyst.token);
    expect(started.status).to.equal(200);
    expect(started.body).to.include({ status: 'in-progress' });
    expect(started.body.updates).to.have.length(1);
    expect(started.body.updates[0]).to.include({ userId: partner.analyst.id, status: 'in-progress', note: 'Meeting set for Monday' });
    const declined = await patch(`/api/actions/${actionId}`, { status: 'declined' }, issuer.analyst.token);
    expect(declined.body.updates.map((u: { status: string; note: string | null }) => [u.status, u.note])).to.deep.equal([
      ['in-progress', 'Meeting set for Monday'],
      ['declined', null],
    ]);
    expect((await patch(`/api/actions/${actionId}`, { status: 'finished' }, issuer.analyst.token)).status).to.equal(400);

    const changed = await patch(`/api/alerts/${alert.id}`, { level: 'urgent', status: 'closed', tlp: 'green' }, issuer.analyst.token);
    expect(changed.status).to.equal(200);
    expect(changed.body).to.include({ level: 'urgent', status: 'closed', tlp: 'green' });
    expect(changed.body.actions[0]).to.include({ status: 'declined' });
    const added = await post(
      `/api/alerts/${alert.id}/actions`,
      { text: 'Follow up', ownerOrganisationId: issuer.organisation.id, dueDate: day(40) },
      issuer.analyst.token,
    );
    expect(added.status).to.equal(201);
    expect(added.body).to.include({ alertId: alert.id, status: 'open', text: 'Follow up' });
    expect(
      (await post(`/api/alerts/${alert.id}/actions`, { text: 'x', ownerOrganisationId: stranger.organisation.id, dueDate: day(5) }, issuer.analyst.token))
        .status,
    ).to.equal(400);

    const office = await asOfficeAdmin();
    const trail = await get(`/api/audit?target=${alert.id}&limit=50`, office.token);
    expect(trail.body.items.map((r: { action: string }) => r.action)).to.include.members(['alert.issue', 'alert.update']);
    const actionTrail = await get(`/api/audit?target=${actionId}&limit=50`, office.token);
    expect(actionTrail.body.items.map((r: { action: string }) => r.action)).to.include('action.update');
  });

  it('takes one acknowledgement per organisation, even when its users race', async () => {
    const third = await createTenant();
    const alert = await issue(issuer.analyst.token, { sharing: selected(partner.organisation.id, third.organisation.id) });
    const first = await post(`/api/alerts/${alert.id}/acknowledge`, {}, partner.member.token);
    expect(first.status).to.equal(200);
    expect(first.body.acknowledgements).to.have.length(1);
    expect(first.body.acknowledgements[0]).to.include({ organisationId: partner.organisation.id, userId: partner.member.id });
    const again = await post(`/api/alerts/${alert.id}/acknowledge`, undefined, partner.admin.token);
    expect(again.status).to.equal(200);
    expect(again.body.acknowledgements).to.deep.equal(first.body.acknowledgements);

    const raced = await Promise.all([third.admin, third.analyst, third.member].map((u) => post(`/api/alerts/${alert.id}/acknowledge`, {}, u.token)));
    expect(raced.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    const read = await get(`/api/alerts/${alert.id}`, issuer.member.token);
    expect(read.body.acknowledgements.map((k: { organisationId: string }) => k.organisationId).sort()).to.deep.equal(
      [partner.organisation.id, third.organisation.id].sort(),
    );
    expect((await post(`/api/alerts/${alert.id}/acknowledge`, { extra: 1 }, partner.member.token)).status).to.equal(400);
  });

  it('checks every link against the whole audience and names the one that fails', async () => {
    const home = await createAssessment(issuer.analyst, { sharing: { scope: 'organisation', organisations: [] } }, true);
    const shared = await createAssessment(issuer.analyst, { sharing: selected(partner.organisation.id) }, true);
    const draft = await createAssessment(issuer.analyst, { sharing: selected(partner.organisation.id) });
    const theirs = await createAssessment(stranger.analyst, { sharing: { scope: 'all', organisations: [] } }, true);
    const doc = await uploadDocument(
      issuer.analyst.token,
      { name: 'note.txt', bytes: Buffer.from('Field note\n') },
      { title: 'Field note', classification: 'confidential', sharing: JSON.stringify({ scope: 'all', organisations: [] }) },
    );
    expect(doc.status).to.equal(201);
    const lonely = await post('/api/rooms', { name: 'Home only', organisations: [] }, issuer.analyst.token);
    const joint = await post('/api/rooms', { name: 'Joint', organisations: [partner.organisation.id] }, issuer.analyst.token);
    const sharing = selected(partner.organisation.id);

    const refused = async (links: Record<string, string[]>, named: string) => {
      const res = await post('/api/alerts', alertBody({ sharing, links }), issuer.analyst.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(400);
      expect(res.body.error.message).to.include(named);
    };
    await refused({ assessments: [shared.id, home.id] }, home.id);
    await refused({ assessments: [draft.id] }, draft.id);
    await refused({ rooms: [lonely.body.id] }, lonely.body.id);
    await refused({ documents: ['0'.repeat(24)] }, '0'.repeat(24));
    // The room holds the partner but not the Office, which `selected` also reaches.
    await refused({ rooms: [joint.body.id] }, joint.body.id);
    const bad = await post(
      '/api/alerts',
      alertBody({ sharing, actions: [{ text: 'x', ownerOrganisationId: stranger.organisation.id, dueDate: day(3) }] }),
      issuer.analyst.token,
    );
    expect(bad.status).to.equal(400);
    expect(bad.body.error.message).to.include('actions[0].ownerOrganisationId');
    for (const body of [
      alertBody({ actions: [{ text: 'x', ownerOrganisationId: issuer.organisation.id, dueDate: '2026-02-30' }] }),
      alertBody({ classification: 'strictly-confidential', sharing: { scope: 'all', organisations: [] } }),
      alertBody({ level: 'severe' }),
      alertBody({ country: 'XXX' }),
      alertBody({ owner: 'me' }),
      alertBody({ links: { assessments: [{ $gt: '' }] } }),
    ]) {
      expect((await post('/api/alerts', body, issuer.analyst.token)).status, JSON.stringify(body)).to.equal(400);
    }

    const links = { assessments: [shared.id, theirs.id], documents: [doc.body.id] };
    const ok = await post('/api/alerts', alertBody({ sharing, links }), issuer.analyst.token);
    expect(ok.status, JSON.stringify(ok.body)).to.equal(201);
    expect(ok.body.links).to.deep.equal({ ...links, rooms: [] });
    const everyone = await post(
      '/api/alerts',
      alertBody({ sharing: { scope: 'all', organisations: [] }, links: { assessments: [theirs.id] } }),
      issuer.analyst.token,
    );
    expect(everyone.status).to.equal(201);
  });

  it('lets only the owner link a red or amber+strict item (403), and not to an organisation whose share has expired (§13)', async () => {
    const all = { scope: 'all', organisations: [] };
    const red = await createAssessment(stranger.analyst, { sharing: all, tlp: 'red' }, true);
    const strict = await createAssessment(stranger.analyst, { sharing: all, tlp: 'amber+strict' }, true);
    for (const item of [red, strict]) {
      const res = await post('/api/alerts', alertBody({ sharing: all, links: { assessments: [item.id] } }), issuer.analyst.token);
      expect(res.status, JSON.stringify(res.body)).to.equal(403);
      expect(res.body.error.message).to.include(item.id);
    }
    const own = await post('/api/alerts', alertBody({ sharing: all, links: { assessments: [red.id] } }), stranger.analyst.token);
    expect(own.status, JSON.stringify(own.body)).to.equal(201);

    const past = new Date(Date.now() - 1000).toISOString();
    const expired = await createAssessment(
      issuer.analyst,
      { sharing: { ...selected(partner.organisation.id), expires: { [partner.organisation.id]: past } } },
      true,
    );
    const res = await post(
      '/api/alerts',
      alertBody({ sharing: selected(partner.organisation.id), links: { assessments: [expired.id] } }),
      issuer.analyst.token,
    );
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(res.body.error.message).to.include(expired.id);
    const withExpiry = await post(
      '/api/alerts',
      alertBody({ sharing: { ...selected(partner.organisation.id), expires: { [partner.organisation.id]: past } } }),
      issuer.analyst.token,
    );
    expect(withExpiry.status).to.equal(400);
  });

  it('notifies the audience, the owners, and the owners again on the day before and on the due date', async () => {
    const alert = await issue(issuer.analyst.token, {
      sharing: selected(partner.organisation.id),
      actions: [
        { text: 'Due today', ownerOrganisationId: partner.organisation.id, dueDate: day(0) },
        { text: 'Due later', ownerOrganisationId: partner.organisation.id, dueDate: '2031-03-10' },
        { text: 'Done early', ownerOrganisationId: partner.organisation.id, dueDate: '2031-03-10' },
      ],
    });
    const [today, later, doneEarly] = alert.actions as { id: string }[];
    const partnerAnalyst = await eventually(
      partner.analyst.token,
      (n) => about(n, 'action.due', today!.id).length === 1 && about(n, 'action.assigned', doneEarly!.id).length === 1,
    );
    expect(about(partnerAnalyst, 'alert.issued', alert.id)).to.have.length(1);
    expect(about(partnerAnalyst, 'action.assigned', today!.id)[0]!.subject).to.include({ kind: 'action', title: 'Due today' });
    expect(about(partnerAnalyst, 'action.due', today!.id)).to.have.length(1);
    expect(about(partnerAnalyst, 'action.due', later!.id), 'not due yet').to.have.length(0);
    const partnerMember = await eventually(partner.member.token, (n) => about(n, 'alert.issued', alert.id).length === 1);
    expect(
      partnerMember.filter((n) => n.type.startsWith('action.')),
      'members are not assigned actions',
    ).to.deep.equal([]);
    expect(about(await notices(issuer.member.token), 'alert.issued', alert.id), 'not to the issuer').to.have.length(0);
    expect((await notices(stranger.member.token)).filter((n) => n.subject.id === alert.id)).to.deep.equal([]);

    // A shifted clock: the start of the day before, then of the due date; each day once; not once done.
    expect((await patch(`/api/actions/${doneEarly!.id}`, { status: 'done' }, partner.analyst.token)).status).to.equal(200);
    const due = testDomain().actionsDue;
    await due.run(new Date('2031-03-08T23:59:00Z'));
    await due.run(new Date('2031-03-09T00:00:05Z'));
    await due.run(new Date('2031-03-09T13:00:00Z'));
    const dayBefore = await eventually(partner.admin.token, (n) => about(n, 'action.due', later!.id).length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(about(await notices(partner.admin.token), 'action.due', later!.id)).to.have.length(1);
    expect(about(dayBefore, 'action.due', doneEarly!.id)).to.have.length(0);
    await due.run(new Date('2031-03-10T00:00:02Z'));
    await eventually(partner.admin.token, (n) => about(n, 'action.due', later!.id).length === 2);
    await due.run(new Date('2031-03-11T00:00:02Z'));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(about(await notices(partner.admin.token), 'action.due', later!.id)).to.have.length(2);
    expect(about(await notices(partner.admin.token), 'action.due', doneEarly!.id)).to.have.length(0);
    expect(about(await notices(partner.member.token), 'action.due', later!.id), 'admins and analysts only').to.have.length(0);
  });

  it('answers 401 without a token and 400 to a malformed id', async () => {
    expect((await get('/api/alerts')).status).to.equal(401);
    expect((await get('/api/actions')).status).to.equal(401);
    const user = await createUser(issuer.organisation.id, 'member');
    expect((await get('/api/alerts/nope', user.token)).status).to.equal(400);
    expect((await get('/api/actions?status=later', user.token)).status).to.equal(400);
    expect((await get('/api/alerts?cursor=garbage', user.token)).status).to.equal(400);
  });
});
