import { Router } from 'express';
import { BriefQuery } from '../../shared/alerts.js';
import { CountryParams } from '../../shared/schemas/assessments.js';
import { auth, principalOf } from '../auth/passport.js';
import type { Domain } from '../domain.js';
import { attachmentDisposition } from '../http/contentDisposition.js';
import { notFound } from '../http/errors.js';
import { input, validate } from '../http/validate.js';
import { countryBrief } from '../services/briefs/brief.js';
import { contextOf } from '../services/context.js';
import { isCountryCode } from '../services/countries.js';

/** `/api/countries/:code/brief.pdf` (§12): any user; what they see of the country, as a PDF. */
export function briefsRouter(domain: Domain): Router {
  const router = Router();
  router.use(auth());

  router.get('/:code/brief.pdf', validate({ params: CountryParams, query: BriefQuery }), async (req, res) => {
    const { code } = input(req, 'params', CountryParams);
    if (!isCountryCode(code)) throw notFound('country');
    const { lang } = input(req, 'query', BriefQuery);
    const { pdf, filename } = await countryBrief(domain, { ...contextOf(req), principal: principalOf(req) }, code, lang);
    res.set({ 'Content-Type': 'application/pdf', 'Content-Disposition': attachmentDisposition(filename), 'Cache-Control': 'no-store' });
    res.send(pdf);
  });

  return router;
}
