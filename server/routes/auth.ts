import { Router } from 'express';
import { LoginBody, RefreshBody } from '../../shared/schemas/auth.js';
import type { Domain } from '../domain.js';
import { input, validate } from '../http/validate.js';
import { login, logout, refresh } from '../services/auth/login.js';
import { contextOf } from '../services/context.js';

/** `/api/auth`: login, refresh, logout (§3). No access token needed. */
export function authRouter(domain: Domain): Router {
  const router = Router();

  router.post('/login', validate({ body: LoginBody }), async (req, res) => {
    const body = input(req, 'body', LoginBody);
    res.json(await login(domain, contextOf(req), body.email, body.password, body.otp));
  });

  router.post('/refresh', validate({ body: RefreshBody }), async (req, res) => {
    res.json(await refresh(domain, contextOf(req), input(req, 'body', RefreshBody).refreshToken));
  });

  router.post('/logout', validate({ body: RefreshBody }), async (req, res) => {
    await logout(domain, input(req, 'body', RefreshBody).refreshToken);
    res.status(204).end();
  });

  return router;
}
