import { Router, type Request } from 'express';
import {
  AcknowledgeBody,
  CreateActionBody,
  CreateAlertBody,
  ListActionsQuery,
  ListAlertsQuery,
  UpdateActionBody,
  UpdateAlertBody,
} from '../../shared/alerts.js';
import { IdParams } from '../../shared/schemas/common.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { acknowledgeAlertVerdict, canIssueAlert, editAlertVerdict, readAlertVerdict, updateActionVerdict } from '../policies/alert.js';
import { authorize } from '../policies/helpers.js';
import { acknowledgeAlert, addAction, issueAlert, updateAction, updateAlert } from '../services/alerts/commands.js';
import { findAction, findAlert, listActions, listAlerts, readAction, readAlert } from '../services/alerts/queries.js';
import { contextOf } from '../services/context.js';

const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

/** Loads the alert of `:id` and applies a verdict of the alert policy (404 / 403). */
async function loadAlert(domain: Domain, req: Request, verdict: typeof readAlertVerdict) {
  const alert = await findAlert(domain, input(req, 'params', IdParams).id);
  authorize(verdict(principalOf(req), alert), 'alert');
  return alert;
}

/** `/api/alerts` (§12): early-warning alerts, their acknowledgements and new actions. */
export function alertsRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListAlertsQuery }), async (req, res) => {
    res.json(await listAlerts(domain, principalOf(req), input(req, 'query', ListAlertsQuery)));
  });

  router.post('/', validate({ body: CreateAlertBody }), async (req, res) => {
    authorize({ visible: true, allowed: canIssueAlert(principalOf(req)) }, 'alert');
    res.status(201).json(await issueAlert(domain, signed(req), input(req, 'body', CreateAlertBody)));
  });

  router.get('/:id', validate({ params: IdParams }), async (req, res) => {
    res.json(await readAlert(domain, principalOf(req), await loadAlert(domain, req, readAlertVerdict)));
  });

  router.patch('/:id', validate({ params: IdParams, body: UpdateAlertBody }), async (req, res) => {
    const alert = await loadAlert(domain, req, editAlertVerdict);
    res.json(await updateAlert(domain, signed(req), alert, input(req, 'body', UpdateAlertBody)));
  });

  router.post('/:id/acknowledge', validate({ params: IdParams, body: AcknowledgeBody }), async (req, res) => {
    res.json(await acknowledgeAlert(domain, signed(req), await loadAlert(domain, req, acknowledgeAlertVerdict)));
  });

  router.post('/:id/actions', validate({ params: IdParams, body: CreateActionBody }), async (req, res) => {
    const alert = await loadAlert(domain, req, editAlertVerdict);
    res.status(201).json(await addAction(domain, signed(req), alert, input(req, 'body', CreateActionBody)));
  });

  return router;
}

/** `/api/actions` (§12): the recommended actions of the alerts the caller sees. */
export function actionsRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/', validate({ query: ListActionsQuery }), async (req, res) => {
    res.json(await listActions(domain, principalOf(req), input(req, 'query', ListActionsQuery)));
  });

  router.get('/:id', validate({ params: IdParams }), async (req, res) => {
    const { action, alert } = await findAction(domain, input(req, 'params', IdParams).id);
    authorize(readAlertVerdict(principalOf(req), alert), 'action');
    res.json(await readAction(domain, action, alert));
  });

  router.patch('/:id', validate({ params: IdParams, body: UpdateActionBody }), async (req, res) => {
    const { action, alert } = await findAction(domain, input(req, 'params', IdParams).id);
    authorize(updateActionVerdict(principalOf(req), alert, action), 'action');
    res.json(await updateAction(domain, signed(req), alert, action, input(req, 'body', UpdateActionBody)));
  });

  return router;
}
