import { AlertRepository } from './alerts.js';
import { ApiKeyRepository } from './apiKeys.js';
import { AccessRequestRepository } from './accessRequests.js';
import { AssessmentRepository } from './assessments.js';
import { DocumentRepository } from './documents.js';
import { MailRepository } from './mail.js';
import { NotificationJobRepository } from './notificationJobs.js';
import { NotificationRepository } from './notifications.js';
import { OrganisationRepository } from './organisations.js';
import { SessionRepository } from './sessions.js';
import { UserRepository } from './users.js';
import { WatchRepository } from './watches.js';
import { WebhookRepository } from './webhooks.js';

/** One repository per entity: the only code that speaks to the database for the domain. */
export interface Repositories {
  organisations: OrganisationRepository;
  users: UserRepository;
  sessions: SessionRepository;
  assessments: AssessmentRepository;
  documents: DocumentRepository;
  /** Early-warning alerts and their actions (§12). */
  alerts: AlertRepository;
  /** The outbox of notification mails (§11). */
  mail: MailRepository;
  notifications: NotificationRepository;
  notificationJobs: NotificationJobRepository;
  watches: WatchRepository;
  /** Partner systems' keys (§14). */
  apiKeys: ApiKeyRepository;
  /** §13's access requests. */
  accessRequests: AccessRequestRepository;
  /** Webhooks and their deliveries (§14). */
  webhooks: WebhookRepository;
}

/** Builds the repositories of one hub process (each holds its own catalog and caches). */
export function createRepositories(): Repositories {
  const organisations = new OrganisationRepository();
  return {
    organisations,
    users: new UserRepository(),
    sessions: new SessionRepository(),
    assessments: new AssessmentRepository(organisations),
    documents: new DocumentRepository(organisations),
    alerts: new AlertRepository(),
    mail: new MailRepository(),
    notifications: new NotificationRepository(),
    notificationJobs: new NotificationJobRepository(),
    watches: new WatchRepository(),
    apiKeys: new ApiKeyRepository(),
    accessRequests: new AccessRequestRepository(),
    webhooks: new WebhookRepository(),
  };
}
