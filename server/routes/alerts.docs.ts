import {
  AcknowledgeBody,
  ActionListItem,
  Alert,
  AlertAction,
  BriefQuery,
  CreateActionBody,
  CreateAlertBody,
  ListActionsQuery,
  ListAlertsQuery,
  UpdateActionBody,
  UpdateAlertBody,
} from '../../shared/alerts.js';
import { CountryParams } from '../../shared/schemas/assessments.js';
import { IdParams, pageOf } from '../../shared/schemas/common.js';
import { AccessRequest, CreateAccessRequestBody, DecideAccessRequestBody, ListAccessRequestsQuery } from '../../shared/schemas/handling.js';
import type { RouteDoc } from '../openapi/routeDoc.js';

const alerts = 'alerts';
const handling = 'handling';

/** §12 (alerts.ts, briefs.ts) and §13's access requests (accessRequests.ts). */
export const alertsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/alerts',
    tag: alerts,
    summary: 'Visible alerts, newest first',
    query: ListAlertsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(Alert) } },
  },
  {
    method: 'post',
    path: '/api/alerts',
    tag: alerts,
    summary: 'Issue an alert',
    body: CreateAlertBody,
    answers: { 201: { description: 'Issued', schema: Alert } },
  },
  { method: 'get', path: '/api/alerts/{id}', tag: alerts, summary: 'An alert', params: IdParams, answers: { 200: { description: 'Alert', schema: Alert } } },
  {
    method: 'patch',
    path: '/api/alerts/{id}',
    tag: alerts,
    summary: 'Change or close an alert (issuer)',
    params: IdParams,
    body: UpdateAlertBody,
    answers: { 200: { description: 'Changed', schema: Alert } },
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/acknowledge',
    tag: alerts,
    summary: "Acknowledge for the caller's organisation (once)",
    params: IdParams,
    body: AcknowledgeBody,
    answers: { 200: { description: 'Acknowledged', schema: Alert } },
  },
  {
    method: 'post',
    path: '/api/alerts/{id}/actions',
    tag: alerts,
    summary: 'Add a recommended action (issuer)',
    params: IdParams,
    body: CreateActionBody,
    answers: { 201: { description: 'Added', schema: AlertAction } },
  },
  {
    method: 'get',
    path: '/api/actions',
    tag: alerts,
    summary: 'Actions of visible alerts, soonest due first',
    query: ListActionsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(ActionListItem) } },
  },
  {
    method: 'get',
    path: '/api/actions/{id}',
    tag: alerts,
    summary: 'An action',
    params: IdParams,
    answers: { 200: { description: 'Action', schema: ActionListItem } },
  },
  {
    method: 'patch',
    path: '/api/actions/{id}',
    tag: alerts,
    summary: "Update an action's status (owner organisation or issuer)",
    params: IdParams,
    body: UpdateActionBody,
    answers: { 200: { description: 'Updated', schema: AlertAction } },
  },
  {
    method: 'get',
    path: '/api/countries/{code}/brief.pdf',
    tag: alerts,
    summary: "The country brief: the caller's view of the country as a PDF",
    params: CountryParams,
    query: BriefQuery,
    answers: { 200: { description: 'PDF', type: 'application/pdf' } },
  },
  {
    method: 'get',
    path: '/api/access-requests',
    tag: handling,
    summary: 'Incoming and outgoing access requests',
    query: ListAccessRequestsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(AccessRequest) } },
  },
  {
    method: 'post',
    path: '/api/access-requests',
    tag: handling,
    summary: 'Ask for access to a discoverable item',
    body: CreateAccessRequestBody,
    answers: { 201: { description: 'Requested', schema: AccessRequest } },
  },
  {
    method: 'post',
    path: '/api/access-requests/{id}/decide',
    tag: handling,
    summary: 'Approve (optionally until a time) or decline (owner)',
    params: IdParams,
    body: DecideAccessRequestBody,
    answers: { 200: { description: 'Decided', schema: AccessRequest } },
  },
];
