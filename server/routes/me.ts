import { Router, type Request, type Response } from 'express';
import { PreferencesBody, WatchBody } from '../../shared/schemas/notifications.js';
import { ChangePasswordBody, MfaCodeBody, MfaSetupBody, UpdateMeBody } from '../../shared/schemas/auth.js';
import { auth, authOrEnrolment, peopleOnly, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { changePassword, describeMe, disableMfa, enableMfa, setupMfa, updateMe, type MfaProof } from '../services/auth/account.js';
import { contextOf } from '../services/context.js';
import { readPreferences, updatePreferences } from '../services/users/preferences.js';
import { watchCountries } from '../services/notifications/commands.js';
import { watchedCountries } from '../services/notifications/queries.js';

/** `/api/me`: the signed-in user's own account (§3). */
export function meRouter(domain: Domain): Router {
  const router = Router();
  // An enrolment token (§3 v2) is taken by MFA set-up and enable only; auth() refuses it everywhere else.
  const enrolling = authOrEnrolment(domain);
  const signedIn = auth();
  const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });
  const proofOf = (res: Response, currentPassword: string | undefined): MfaProof => ({ currentPassword, enrolment: res.locals.enrolment === true });

  router.get('/', signedIn, (req, res) => {
    res.json(describeMe(principalOf(req)));
  });

  router.patch('/', signedIn, peopleOnly, validate({ body: UpdateMeBody }), async (req, res) => {
    res.json(await updateMe(domain, signed(req), input(req, 'body', UpdateMeBody)));
  });

  router.post('/password', signedIn, peopleOnly, validate({ body: ChangePasswordBody }), async (req, res) => {
    const body = input(req, 'body', ChangePasswordBody);
    await changePassword(domain, signed(req), body.currentPassword, body.newPassword);
    res.status(204).end();
  });

  router.post('/mfa/setup', enrolling, peopleOnly, validate({ body: MfaSetupBody }), async (req, res) => {
    res.json(await setupMfa(domain, signed(req), proofOf(res, input(req, 'body', MfaSetupBody).currentPassword)));
  });

  router.post('/mfa/enable', enrolling, peopleOnly, validate({ body: MfaCodeBody }), async (req, res) => {
    const body = input(req, 'body', MfaCodeBody);
    res.json(await enableMfa(domain, signed(req), body.otp, proofOf(res, body.currentPassword)));
  });

  router.post('/mfa/disable', signedIn, peopleOnly, validate({ body: MfaCodeBody }), async (req, res) => {
    const body = input(req, 'body', MfaCodeBody);
    await disableMfa(domain, signed(req), body.otp, proofOf(res, body.currentPassword));
    res.status(204).end();
  });

  router.get('/preferences', signedIn, async (req, res) => {
    res.json(await readPreferences(domain, contextOf(req)));
  });

  router.patch('/preferences', signedIn, validate({ body: PreferencesBody }), async (req, res) => {
    res.json(await updatePreferences(domain, contextOf(req), input(req, 'body', PreferencesBody)));
  });

  router.get('/watch', signedIn, async (req, res) => {
    res.json(await watchedCountries(domain, principalOf(req)));
  });

  router.put('/watch', signedIn, validate({ body: WatchBody }), async (req, res) => {
    res.json(await watchCountries(domain, principalOf(req), input(req, 'body', WatchBody).countries));
  });

  // Any other path under /api/me answers 401 before 404, as it did when auth() guarded the whole router.
  router.use(signedIn);
  return router;
}
