import { expect } from 'chai';
import { INDICATOR_CODES_BY_FACTOR, isIndicatorOf, RISK_FACTORS, RISK_LEVELS, riskFactorsIn, TRENDS, type RiskFactorView } from '../shared/framework/index.js';
import { LOCALES } from '../shared/limits.js';
import { LangQuery } from '../shared/schemas/framework.js';
import { countryName, isCountryCode, listCountries, numericToAlpha3, type CountryView } from '../server/services/countries.js';
import { createTenant } from './helpers/factories.js';
import { get } from './helpers/http.js';

const ARABIC_SCRIPT = /[\u0600-\u06FF]/;

describe('Framework of Analysis and countries (§6)', () => {
  describe('shared framework data', () => {
    it('has exactly 14 risk factors numbered 1–14 in order', () => {
      expect(RISK_FACTORS.map((factor) => factor.number)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    });

    it('makes 1–8 common to all crimes and ties 9–14 to one crime each', () => {
      const byNumber = new Map(RISK_FACTORS.map((factor) => [factor.number, factor]));
      for (let n = 1; n <= 8; n++) expect(byNumber.get(n), `${n}`).to.include({ kind: 'common', crime: null });
      const specific = { 9: 'genocide', 10: 'genocide', 11: 'crimes-against-humanity', 12: 'crimes-against-humanity', 13: 'war-crimes', 14: 'war-crimes' };
      for (const [n, crime] of Object.entries(specific)) expect(byNumber.get(Number(n)), n).to.include({ kind: 'specific', crime });
    });

    it('keeps the Framework numbering: codes n.1, n.2, … under factor n, unique across the Framework', () => {
      const all: string[] = [];
      for (const factor of RISK_FACTORS) {
        const codes = factor.indicators.map((indicator) => indicator.code);
        expect(codes, `factor ${factor.number}`).to.deep.equal(codes.map((_, i) => `${factor.number}.${i + 1}`));
        expect(codes.length, `factor ${factor.number}`).to.be.within(6, 15);
        expect([...INDICATOR_CODES_BY_FACTOR.get(factor.number)!]).to.deep.equal(codes);
        all.push(...codes);
      }
      expect(new Set(all).size).to.equal(all.length);
      expect(all.length).to.be.within(130, 150);
    });

    it('carries the indicators the Framework is known by', () => {
      for (const code of ['7.5', '8.1', '8.7', '8.8', '9.1', '13.8']) {
        expect(isIndicatorOf(Number(code.split('.')[0]), code), code).to.equal(true);
      }
      expect(isIndicatorOf(8, '9.1')).to.equal(false);
      expect(isIndicatorOf(15, '15.1')).to.equal(false);
    });

    it('has every title and indicator label, non-empty and trimmed, in English, French and Arabic', () => {
      for (const factor of RISK_FACTORS) {
        const texts = [factor.title, ...factor.indicators.map((indicator) => indicator.text)];
        for (const text of texts) {
          for (const lang of LOCALES) {
            expect(text[lang], `${factor.number} ${lang}`).to.be.a('string').and.not.equal('');
            expect(text[lang].trim(), `${factor.number} ${lang}`).to.equal(text[lang]);
          }
          expect(text.ar, `${factor.number} ar`).to.match(ARABIC_SCRIPT);
          expect(text.en, `${factor.number} en`).to.not.match(ARABIC_SCRIPT);
        }
        expect(factor.title.fr, `${factor.number} fr`).to.not.equal(factor.title.en);
      }
      expect(RISK_FACTORS[0]!.title.en).to.equal('Situations of armed conflict or other forms of instability');
    });

    it('presents the factors in one language in the §6 shape', () => {
      const fr = riskFactorsIn('fr');
      expect(fr).to.have.length(14);
      expect(fr[0]).to.have.all.keys('number', 'kind', 'crime', 'title', 'indicators');
      expect(fr[0]!.title).to.equal(RISK_FACTORS[0]!.title.fr);
      expect(fr[7]!.indicators[6]).to.deep.equal({ code: '8.7', text: RISK_FACTORS[7]!.indicators[6]!.text.fr });
      // A fresh copy each call, so a caller cannot alter what the next one sees.
      fr[0]!.title = 'changed';
      expect(riskFactorsIn('fr')[0]!.title).to.equal(RISK_FACTORS[0]!.title.fr);
    });

    it('names the risk levels and trends of an assessment', () => {
      expect(RISK_LEVELS).to.deep.equal([0, 1, 2, 3, 4]);
      expect(TRENDS).to.deep.equal(['improving', 'stable', 'deteriorating']);
    });

    it('reads ?lang= strictly, English by default', () => {
      expect(LangQuery.parse({})).to.deep.equal({ lang: 'en' });
      expect(LangQuery.parse({ lang: 'ar' })).to.deep.equal({ lang: 'ar' });
      expect(LangQuery.safeParse({ lang: 'de' }).success).to.equal(false);
      expect(LangQuery.safeParse({ lang: 'en', page: '1' }).success).to.equal(false);
    });
  });

  describe('countries service', () => {
    it('lists every ISO 3166-1 country once, by alpha-3 code, in each language', () => {
      for (const lang of LOCALES) {
        const items = listCountries(lang);
        expect(items.length, lang).to.be.greaterThan(190);
        expect(
          items.every((item) => /^[A-Z]{3}$/.test(item.code) && item.name.length > 0),
          lang,
        ).to.equal(true);
        expect(new Set(items.map((item) => item.code)).size, lang).to.equal(items.length);
        expect(
          items.map((item) => item.code),
          lang,
        ).to.include.members(['KEN', 'TZA', 'SDN', 'SSD']);
        expect(
          items.map((item) => item.code),
          lang,
        ).to.not.include('XKK');
      }
    });

    it('sorts by name in the language asked for, and computes each list once', () => {
      for (const lang of LOCALES) {
        const names = listCountries(lang).map((item) => item.name);
        expect(names, lang).to.deep.equal([...names].sort(new Intl.Collator(lang).compare));
        expect(listCountries(lang), lang).to.equal(listCountries(lang));
      }
    });

    it('names countries in English, French and Arabic', () => {
      expect(countryName('KEN', 'en')).to.equal('Kenya');
      expect(countryName('KEN', 'fr')).to.equal('Kenya');
      expect(countryName('KEN', 'ar')).to.match(ARABIC_SCRIPT);
      expect(countryName('DEU', 'fr')).to.equal('Allemagne');
      expect(countryName('ken', 'en')).to.equal(undefined);
      expect(countryName('XXX', 'en')).to.equal(undefined);
    });

    it('recognises only upper-case alpha-3 codes', () => {
      expect(isCountryCode('TZA')).to.equal(true);
      for (const code of ['tza', 'TZ', '834', 'XKK', 'ABC', '', 42, null]) expect(isCountryCode(code), String(code)).to.equal(false);
    });

    it('maps ISO numeric codes to alpha-3 for map data', () => {
      expect(numericToAlpha3('404')).to.equal('KEN');
      expect(numericToAlpha3(404)).to.equal('KEN');
      expect(numericToAlpha3('004')).to.equal('AFG');
      expect(numericToAlpha3(4)).to.equal('AFG');
      for (const bad of ['', '-99', '983', '1000', 'abc', 12.5]) expect(numericToAlpha3(bad), String(bad)).to.equal(undefined);
    });
  });

  describe('GET /api/framework', () => {
    it('401 without a token', async () => {
      const res = await get('/api/framework');
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthenticated');
    });

    it('answers the 14 risk factors in English by default, cacheable privately', async () => {
      const { member } = await createTenant();
      const res = await get<{ riskFactors: RiskFactorView[] }>('/api/framework', member.token);
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('private, max-age=3600');
      expect(res.body).to.have.all.keys('riskFactors');
      expect(res.body.riskFactors).to.deep.equal(riskFactorsIn('en'));
      expect(res.body.riskFactors[0]).to.include({ number: 1, kind: 'common', crime: null });
      expect(res.body.riskFactors[8]).to.include({ number: 9, kind: 'specific', crime: 'genocide' });
    });

    it('switches titles and indicator labels with ?lang=fr and ?lang=ar', async () => {
      const { analyst } = await createTenant();
      const en = await get<{ riskFactors: RiskFactorView[] }>('/api/framework?lang=en', analyst.token);
      const fr = await get<{ riskFactors: RiskFactorView[] }>('/api/framework?lang=fr', analyst.token);
      const ar = await get<{ riskFactors: RiskFactorView[] }>('/api/framework?lang=ar', analyst.token);
      expect([en.status, fr.status, ar.status]).to.deep.equal([200, 200, 200]);
      expect(fr.body.riskFactors).to.deep.equal(riskFactorsIn('fr'));
      expect(fr.body.riskFactors[0]!.title).to.not.equal(en.body.riskFactors[0]!.title);
      expect(ar.body.riskFactors.every((f) => ARABIC_SCRIPT.test(f.title) && f.indicators.every((i) => ARABIC_SCRIPT.test(i.text)))).to.equal(true);
      expect(ar.body.riskFactors.map((f) => f.indicators.map((i) => i.code))).to.deep.equal(en.body.riskFactors.map((f) => f.indicators.map((i) => i.code)));
    });

    it('400 for an unknown language or an unknown parameter', async () => {
      const { member } = await createTenant();
      for (const query of ['lang=de', 'lang=EN', 'lang=en&lang=fr', 'foo=1', 'lang[$ne]=en']) {
        const res = await get(`/api/framework?${query}`, member.token);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal('invalid_request');
      }
    });
  });

  describe('GET /api/countries', () => {
    it('401 without a token', async () => {
      const res = await get('/api/countries');
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('unauthenticated');
    });

    it('answers every country in one unpaged list, by alpha-3 code', async () => {
      const { member } = await createTenant();
      const res = await get<{ items: CountryView[] }>('/api/countries', member.token);
      expect(res.status).to.equal(200);
      expect(res.headers.get('cache-control')).to.equal('private, max-age=3600');
      expect(res.body).to.have.all.keys('items');
      expect(res.body.items.length).to.be.greaterThan(190);
      expect(res.body.items.every((item) => /^[A-Z]{3}$/.test(item.code))).to.equal(true);
      expect(new Set(res.body.items.map((item) => item.code)).size).to.equal(res.body.items.length);
      expect(res.body.items.map((item) => item.code)).to.include.members(['KEN', 'TZA', 'SDN']);
      expect(res.body.items.find((item) => item.code === 'KEN')).to.deep.equal({ code: 'KEN', name: 'Kenya', numeric: '404' });
    });

    it('names countries in ?lang=fr and ?lang=ar', async () => {
      const { member } = await createTenant();
      const fr = await get<{ items: CountryView[] }>('/api/countries?lang=fr', member.token);
      const ar = await get<{ items: CountryView[] }>('/api/countries?lang=ar', member.token);
      expect(fr.body.items.find((item) => item.code === 'KEN')?.name).to.equal('Kenya');
      expect(fr.body.items.find((item) => item.code === 'DEU')?.name).to.equal('Allemagne');
      expect(ar.body.items.find((item) => item.code === 'KEN')?.name).to.match(ARABIC_SCRIPT);
      expect(ar.body.items).to.deep.equal(listCountries('ar'));
    });

    it('400 for an unknown language or an unknown parameter', async () => {
      const { member } = await createTenant();
      for (const query of ['lang=de', 'limit=10', 'cursor=abc']) {
        const res = await get(`/api/countries?${query}`, member.token);
        expect(res.status, query).to.equal(400);
        expect(res.body.error.code, query).to.equal('invalid_request');
      }
    });
  });
});
