import { Router, type Request } from 'express';
import { z } from 'zod';
import { ChangePasswordBody, OtpBody, UpdateMeBody } from '../../shared/schemas/auth.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { changePassword, describeMe, disableMfa, enableMfa, setupMfa, updateMe } from '../services/auth/account.js';
import { contextOf } from '../services/context.js';

const EmptyBody = z.strictObject({});

/** `/api/me`: the signed-in user's own account (§3). */
export function meRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());
  const signed = (req: Request) => ({ ...contextOf(req), principal: principalOf(req) });

  router.get('/', (req, res) => {
    res.json(describeMe(principalOf(req)));
  });

  router.patch('/', validate({ body: UpdateMeBody }), async (req, res) => {
    res.json(await updateMe(domain, signed(req), input(req, 'body', UpdateMeBody)));
  });

  router.post('/password', validate({ body: ChangePasswordBody }), async (req, res) => {
    const body = input(req, 'body', ChangePasswordBody);
    await changePassword(domain, signed(req), body.currentPassword, body.newPassword);
    res.status(204).end();
  });

  router.post('/mfa/setup', validate({ body: EmptyBody }), async (req, res) => {
    res.json(await setupMfa(domain, signed(req)));
  });

  router.post('/mfa/enable', validate({ body: OtpBody }), async (req, res) => {
    await enableMfa(domain, signed(req), input(req, 'body', OtpBody).otp);
    res.status(204).end();
  });

  router.post('/mfa/disable', validate({ body: OtpBody }), async (req, res) => {
    await disableMfa(domain, signed(req), input(req, 'body', OtpBody).otp);
    res.status(204).end();
  });

  return router;
}
