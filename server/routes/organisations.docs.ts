import { IdParams, PageQuery, pageOf } from '../../shared/schemas/common.js';
import { AuditRecord, AuditVerification, ListAuditQuery, VerifyAuditQuery } from '../../shared/schemas/audit.js';
import {
  CreateOrganisationBody,
  CreateUserBody,
  ListOrganisationsQuery,
  Organisation,
  UpdateOrganisationBody,
  UpdateUserBody,
  User,
} from '../../shared/schemas/organisations.js';
import type { RouteDoc } from '../openapi/routeDoc.js';

/** §4 and §9: organisations, users, the audit trail (organisations.ts, users.ts, audit.ts). */
export const organisationsDocs: RouteDoc[] = [
  {
    method: 'get',
    path: '/api/organisations',
    tag: 'organisations',
    summary: 'Active organisations',
    query: ListOrganisationsQuery,
    answers: { 200: { description: 'Page', schema: pageOf(Organisation) } },
  },
  {
    method: 'post',
    path: '/api/organisations',
    tag: 'organisations',
    summary: 'Create an organisation (Office admin)',
    body: CreateOrganisationBody,
    answers: { 201: { description: 'Created', schema: Organisation }, 409: { description: 'Slug taken' } },
  },
  {
    method: 'patch',
    path: '/api/organisations/{id}',
    tag: 'organisations',
    summary: 'Change an organisation',
    params: IdParams,
    body: UpdateOrganisationBody,
    answers: { 200: { description: 'Changed', schema: Organisation } },
  },
  {
    method: 'get',
    path: '/api/organisations/{id}/users',
    tag: 'users',
    summary: 'Users of an organisation (its admin, Office admin)',
    params: IdParams,
    query: PageQuery,
    answers: { 200: { description: 'Page', schema: pageOf(User) } },
  },
  {
    method: 'post',
    path: '/api/organisations/{id}/users',
    tag: 'users',
    summary: 'Create a user',
    params: IdParams,
    body: CreateUserBody,
    answers: { 201: { description: 'Created', schema: User }, 409: { description: 'Email taken' } },
  },
  {
    method: 'patch',
    path: '/api/users/{id}',
    tag: 'users',
    summary: 'Change a user',
    params: IdParams,
    body: UpdateUserBody,
    answers: { 200: { description: 'Changed', schema: User } },
  },
  {
    method: 'get',
    path: '/api/audit',
    tag: 'audit',
    summary: 'Audit records, newest first',
    query: ListAuditQuery,
    answers: { 200: { description: 'Page', schema: pageOf(AuditRecord) } },
  },
  {
    method: 'get',
    path: '/api/audit/verify',
    tag: 'audit',
    summary: 'Verify the hash chain (Office admin)',
    query: VerifyAuditQuery,
    answers: { 200: { description: 'Result', schema: AuditVerification } },
  },
];
