import { Router } from 'express';
import { riskFactorsIn } from '../../shared/framework/index.js';
import { LangQuery } from '../../shared/schemas/framework.js';
import { auth } from '../auth/passport.js';
import { input, validate } from '../http/validate.js';
import { listCountries } from '../services/countries.js';

// Both answers are static per language, so the browser may keep them for an hour; private because
// they sit behind sign-in and must not land in a shared cache.
const CACHE_CONTROL = 'private, max-age=3600';

/**
 * `GET /framework` and `GET /countries` (§6), mounted at /api. auth() is applied per route rather
 * than with router.use(), because a router mounted on /api itself would otherwise demand a token for
 * every /api path that passes through it.
 */
export function frameworkRouter(): Router {
  const router = Router();

  router.get('/framework', auth(), validate({ query: LangQuery }), (req, res) => {
    const { lang } = input(req, 'query', LangQuery);
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.json({ riskFactors: riskFactorsIn(lang) });
  });

  router.get('/countries', auth(), validate({ query: LangQuery }), (req, res) => {
    const { lang } = input(req, 'query', LangQuery);
    res.setHeader('Cache-Control', CACHE_CONTROL);
    res.json({ items: listCountries(lang) });
  });

  return router;
}
