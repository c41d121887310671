import { expect } from 'chai';
import { z } from 'zod';
import { ActionListItem, Alert, AlertAction } from '../shared/alerts.js';
import { LoginAnswer, MeAnswer, TokenSet, UpdateMeAnswer } from '../shared/schemas/account.js';
import {
  Assessment,
  AssessmentComment,
  AssessmentVersion,
  AssessmentVersionItem,
  AssessmentWithVersions,
  CountryOverview,
  RiskMapItem,
} from '../shared/schemas/assessments.js';
import { AuditRecord, AuditVerification } from '../shared/schemas/audit.js';
import { ErrorAnswer, pageOf } from '../shared/schemas/common.js';
import { DocumentLimits, DocumentWithVersions, HubDocument } from '../shared/schemas/documents.js';
import { AccessRequest, AssessmentListItem, DocumentListItem, ItemCard } from '../shared/schemas/handling.js';
import { CountryItem, RiskFactorView } from '../shared/schemas/framework.js';
import { Health } from '../shared/schemas/health.js';
import { Organisation, User } from '../shared/schemas/organisations.js';
import { Room, RoomMessage } from '../shared/schemas/rooms.js';
import { text } from '../server/demo/documentFiles.js';
import { uploadDocument } from './helpers/documents.js';
import { asOfficeAdmin, assessmentBody, createTenant } from './helpers/factories.js';
import { get, patch, post, type Answer } from './helpers/http.js';

/**
 * The answer has `status` and is exactly what `schema` describes: every field valid, and none the
 * schema does not name (parsing drops unknown fields, so the parsed copy would differ).
 */
function conforms(answer: Answer<unknown>, status: number, schema: z.ZodType, what: string): void {
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}`).to.equal(status);
  const parsed = schema.safeParse(answer.body);
  expect(parsed.success ? [] : parsed.error.issues, what).to.deep.equal([]);
  expect(parsed.data, `${what}: a field the schema does not name`).to.deep.equal(answer.body);
}

const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

describe('response schemas (shared/schemas) match what the hub answers', () => {
  it('accounts, organisations, users, the audit trail, health, the framework and errors', async () => {
    const { organisation, admin } = await createTenant();
    const office = await asOfficeAdmin();
    const signIn = await post('/api/auth/login', { email: admin.email, password: admin.password });
    conforms(signIn, 200, LoginAnswer, 'login');
    conforms(await post('/api/auth/refresh', { refreshToken: signIn.body.refreshToken }), 200, TokenSet, 'refresh');
    conforms(await get('/api/me', admin.token), 200, MeAnswer, 'me');
    conforms(await patch('/api/me', { locale: 'ar' }, admin.token), 200, UpdateMeAnswer, 'me changed');
    conforms(await get('/api/organisations?limit=5', admin.token), 200, pageOf(Organisation), 'organisations');
    conforms(await get(`/api/organisations/${organisation.id}/users`, admin.token), 200, pageOf(User), 'users');
    conforms(await get('/api/audit?limit=20', office.token), 200, pageOf(AuditRecord), 'audit page');
    conforms(await get('/api/audit/verify', office.token), 200, AuditVerification, 'audit verify');
    conforms(await get('/api/health'), 200, Health, 'health');
    conforms(await get('/api/framework?lang=ar', admin.token), 200, z.object({ riskFactors: z.array(RiskFactorView) }), 'framework');
    conforms(await get('/api/countries?lang=fr', admin.token), 200, items(CountryItem), 'countries');
    conforms(await get('/api/me'), 401, ErrorAnswer, 'unauthenticated');
    conforms(await post('/api/rooms', { name: '', organisations: [] }, admin.token), 400, ErrorAnswer, 'invalid request');
    conforms(await get(`/api/assessments/${'0'.repeat(24)}`, admin.token), 404, ErrorAnswer, 'not found');
  });

  it('assessments, their versions, comments, the country overview and the risk map', async () => {
    const { analyst, member } = await createTenant();
    const created = await post('/api/assessments', assessmentBody({ country: 'BDI', periodEnd: null }), analyst.token);
    conforms(created, 201, Assessment, 'created');
    const id = created.body.id as string;
    conforms(await post(`/api/assessments/${id}/publish`, {}, analyst.token), 200, Assessment, 'published');
    conforms(await get(`/api/assessments/${id}`, member.token), 200, AssessmentWithVersions, 'read');
    conforms(await get(`/api/assessments?country=BDI`, member.token), 200, pageOf(AssessmentListItem), 'list');
    conforms(await get(`/api/assessments/${id}/versions`, member.token), 200, items(AssessmentVersionItem), 'versions');
    conforms(await get(`/api/assessments/${id}/versions/1`, member.token), 200, AssessmentVersion, 'a version');
    conforms(await patch(`/api/assessments/${id}`, { version: 2, title: 'Revised' }, analyst.token), 200, Assessment, 'a draft revision');
    conforms(await post(`/api/assessments/${id}/discard`, {}, analyst.token), 200, Assessment, 'revision discarded');
    conforms(await post(`/api/assessments/${id}/comments`, { body: 'Seen.' }, member.token), 201, AssessmentComment, 'comment');
    conforms(await get(`/api/assessments/${id}/comments`, member.token), 200, pageOf(AssessmentComment), 'comments');
    conforms(await get('/api/countries/BDI/overview', member.token), 200, CountryOverview, 'overview');
    conforms(await get('/api/countries/risk-map', member.token), 200, items(RiskMapItem), 'risk map');
  });

  it('documents with their versions, rooms and messages', async () => {
    const { organisation, analyst, member } = await createTenant();
    const uploaded = await uploadDocument(analyst.token, { name: 'notes.txt', bytes: text('Field notes.') });
    conforms(uploaded, 201, HubDocument, 'upload');
    conforms(await get(`/api/documents/${uploaded.body.id}`, member.token), 200, DocumentWithVersions, 'document');
    conforms(await get('/api/documents', member.token), 200, pageOf(DocumentListItem), 'documents');
    conforms(await get('/api/documents/limits', member.token), 200, DocumentLimits, 'document limits');

    const room = await post('/api/rooms', { name: 'Burundi watch', country: null, organisations: [organisation.id] }, analyst.token);
    conforms(room, 201, Room, 'room');
    conforms(await post(`/api/rooms/${room.body.id}/messages`, { body: 'First.', attachments: [uploaded.body.id] }, member.token), 201, RoomMessage, 'message');
    conforms(await get(`/api/rooms/${room.body.id}/messages`, analyst.token), 200, pageOf(RoomMessage), 'messages');
    conforms(await get('/api/rooms', analyst.token), 200, pageOf(Room), 'rooms with unread');
  });

  it('alerts, their actions and acknowledgements', async () => {
    const { organisation, analyst, member } = await createTenant();
    const body = {
      country: 'BDI',
      level: 'watch',
      title: 'Watch',
      summary: '',
      classification: 'unclassified',
      sharing: { scope: 'office', organisations: [] },
    };
    const actions = [{ text: 'Call', ownerOrganisationId: organisation.id, dueDate: '2031-01-01' }];
    const issued = await post('/api/alerts', { ...body, actions }, analyst.token);
    conforms(issued, 201, Alert, 'alert');
    conforms(await post(`/api/alerts/${issued.body.id}/acknowledge`, {}, member.token), 200, Alert, 'acknowledged');
    conforms(await patch(`/api/alerts/${issued.body.id}`, { level: 'urgent' }, analyst.token), 200, Alert, 'changed');
    conforms(await get('/api/alerts', member.token), 200, pageOf(Alert), 'alerts');
    const added = await post(`/api/alerts/${issued.body.id}/actions`, actions[0], analyst.token);
    conforms(added, 201, AlertAction, 'action');
    conforms(await patch(`/api/actions/${added.body.id}`, { status: 'done', note: 'Called.' }, analyst.token), 200, AlertAction, 'action updated');
    conforms(await get(`/api/actions/${added.body.id}`, member.token), 200, ActionListItem, 'action read');
    conforms(await get('/api/actions?assigned=mine', member.token), 200, pageOf(ActionListItem), 'actions');
  });

  it('discoverable cards and access requests (§13)', async () => {
    const [owner, other] = await Promise.all([createTenant(), createTenant()]);
    const created = await post('/api/assessments', assessmentBody({ discoverable: true }), owner.analyst.token);
    await post(`/api/assessments/${created.body.id}/publish`, {}, owner.analyst.token);
    conforms(await get(`/api/assessments/${created.body.id}`, other.member.token), 200, ItemCard, 'card');
    const asked = await post('/api/access-requests', { kind: 'assessment', id: created.body.id, reason: 'Needed.' }, other.analyst.token);
    conforms(asked, 201, AccessRequest, 'request');
    conforms(await get('/api/access-requests?direction=incoming', owner.member.token), 200, pageOf(AccessRequest), 'requests');
    conforms(await post(`/api/access-requests/${asked.body.id}/decide`, { approve: true }, owner.admin.token), 200, AccessRequest, 'decided');
  });
});
