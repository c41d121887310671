import type { Logger } from 'pino';
import type { Principal } from '../auth/principal.js';
import type { Domain } from '../domain.js';
import { hasRooms } from '../repositories/rooms.js';
import type { ActionContext } from '../services/context.js';
import { createRoom, editMessage, markRead, sendMessage } from '../services/rooms/commands.js';
import { localMessageLimiter } from '../services/rooms/limits.js';
import { findRoom } from '../services/rooms/queries.js';
import { createRoomRuntime, type RoomRuntime } from '../services/rooms/runtime.js';

// Demo rooms go through the room services like a user's (audit, seq claimed by insert, blocks, head),
// so what the web app shows is what real use produces. Every conversation is invented.

/** One line of a conversation: who says it (`role@slug`) and what. */
type Line = [speaker: string, body: string];

interface DemoRoom {
  name: string;
  country: string;
  /** The creator is the Office's analyst; these partners are members with the Office. */
  partners: string[];
  lines: Line[];
  /** A line (by index) its author corrects afterwards, to show an edited message. */
  edit?: { line: number; body: string };
  /** Who has read how far (lines from the start), so the rooms list shows unread counts. */
  read: [speaker: string, lines: number][];
}

const ROOMS: DemoRoom[] = [
  {
    name: 'Darfur — El Fasher situation',
    country: 'SDN',
    partners: ['au', 'igad', 'las'],
    lines: [
      [
        'analyst@osapg',
        'Fictional demo data — this room and every message in it are invented to show the hub. Opening a joint room on the situation around El Fasher; please share what your networks report, and say how sure you are.',
      ],
      [
        'analyst@au',
        'CEWS field monitors report families leaving the eastern neighbourhoods towards the camps since yesterday evening. Numbers not verified yet.',
      ],
      ['analyst@las', 'تفيد مصادرنا بانتشار رسائل صوتية تحريضية على تطبيقات المراسلة تستهدف مجموعة بعينها. نعمل على التحقق من مصدرها.'],
      ['member@osapg', "Thank you. Could you share a transcript of one of the voice messages once verified? It would help the Special Adviser's note."],
      ['analyst@las', 'بالتأكيد، سنرسل النص المترجم خلال اليوم.'],
      ['analyst@igad', 'CEWARN contacts in North Darfur confirm the market was closed this morning; traders cite threats on the road from the east.'],
      ['analyst@au', 'Same picture from two independent sources on our side. We rate the road closure as likely, the displacement figures as unconfirmed.'],
      ['analyst@osapg', 'Noted. Flagging risk factors 7 and 8 for the briefing. Next check-in here at 16:00 UTC.'],
      ['member@las', 'تم استلام النص المترجم وإرفاقه بملف المتابعة لدى الجامعة.'],
    ],
    edit: {
      line: 6,
      body: 'Same picture from two independent sources on our side. We rate the road closure as likely and the displacement figures as unconfirmed for now.',
    },
    read: [
      ['analyst@osapg', 9],
      ['analyst@au', 7],
      ['member@igad', 2],
    ],
  },
  {
    name: 'Sahel border incidents',
    country: 'MLI',
    partners: ['ecowas', 'au'],
    lines: [
      [
        'analyst@osapg',
        'Fictional demo data — invented conversation. This room follows incidents along the Mali–Burkina Faso border; ECOWARN and CEWS reports welcome in French or English.',
      ],
      [
        'analyst@ecowas',
        "Données fictives — ECOWARN signale deux incidents près d'un marché frontalier cette semaine ; des commerçants d'une communauté auraient été pris pour cible.",
      ],
      ['member@ecowas', 'Nos correspondants notent aussi des messages hostiles sur une radio locale. Nous préparons une note de synthèse.'],
      ['analyst@au', 'Thanks. Is there any sign of local mediation? Our monitors mention elders meeting on the Burkinabè side.'],
      ['analyst@ecowas', 'Oui, une réunion de médiation est prévue samedi. Nous partagerons le compte rendu ici.'],
      ['analyst@osapg', 'Helpful. Let us keep indicator 8.7 (inflammatory media) under watch and compare notes after the mediation meeting.'],
    ],
    read: [
      ['analyst@osapg', 6],
      ['analyst@ecowas', 3],
    ],
  },
  {
    name: 'Great Lakes hate speech monitoring',
    country: 'COD',
    partners: ['icglr', 'icglr-kenya'],
    lines: [
      ['analyst@osapg', 'Fictional demo data — invented exchange. A shared space to compare hate speech monitoring in eastern DRC and its echo in the region.'],
      [
        'analyst@icglr',
        'Données fictives — le Comité régional relève une hausse des publications stigmatisantes visant une communauté dans deux provinces ; échantillon de 40 messages analysés.',
      ],
      [
        'analyst@icglr-kenya',
        'Some of the same slogans are circulating in diaspora groups followed by our national committee. We can share anonymised examples.',
      ],
      ['member@osapg', "Please do, with the platform and date for each; we are mapping the phrases against the Office's hate speech guidance."],
      ['analyst@icglr', 'Nous proposons un point commun la semaine prochaine avec les comités nationaux.'],
    ],
    read: [['analyst@osapg', 5]],
  },
];

/** A demo user (`role@slug`) as the principal the services act for. */
async function principalOf(repos: Domain['repos'], speaker: string): Promise<Principal> {
  const [role, slug] = speaker.split('@');
  const [user, organisation] = await Promise.all([repos.users.findByEmail(`${role}@${slug}.demo`), repos.organisations.findBySlug(slug!)]);
  if (!user || !organisation) throw new Error(`the demo user ${speaker} is missing`);
  return { user, organisation, sessionId: 'demo-loader' };
}

/** One room: created by the Office's analyst, then its conversation line by line, an edit and read markers. */
async function loadRoom(repos: Domain['repos'], rooms: RoomRuntime, demo: DemoRoom, people: Map<string, Principal>): Promise<number> {
  const person = async (speaker: string) => {
    if (!people.has(speaker)) people.set(speaker, await principalOf(repos, speaker));
    return people.get(speaker)!;
  };
  const creator = await person('analyst@osapg');
  const partners = await Promise.all(
    demo.partners.map(async (slug) => {
      const organisation = await repos.organisations.findBySlug(slug);
      if (!organisation) throw new Error(`the demo organisation ${slug} is missing`);
      return organisation;
    }),
  );
  const ctx: ActionContext & { principal: Principal } = { principal: creator, ip: null, userAgent: 'demo loader' };
  const created = await createRoom(rooms, ctx, { name: demo.name, country: demo.country, organisations: partners.map((o) => o._id.toString()) });
  const room = await findRoom(created.id);
  const ids: string[] = [];
  for (const [speaker, body] of demo.lines) ids.push((await sendMessage(rooms, await person(speaker), room, { body })).id);
  if (demo.edit) await editMessage(rooms, await person(demo.lines[demo.edit.line]![0]), ids[demo.edit.line]!, demo.edit.body);
  for (const [speaker, lines] of demo.read) await markRead(await person(speaker), room, lines);
  return demo.lines.length;
}

/**
 * HUB_DEMO=1, on a database without rooms: three situation rooms between the Office and partners,
 * each with a short invented conversation in English, French and Arabic. Expects the demo
 * organisations and users to exist.
 */
export async function loadDemoRooms(domain: Domain, log: Logger): Promise<void> {
  if (await hasRooms()) return;
  const people = new Map<string, Principal>();
  let messages = 0;
  // One room after the other: a speaker's messages then stay well under the per-user rate limit.
  // Before the hub serves: this process alone, its own limiter; the senders' read markers are written at the end.
  const rooms = createRoomRuntime(localMessageLimiter(), domain.repos, domain.notifications);
  try {
    for (const demo of ROOMS) messages += await loadRoom(domain.repos, rooms, demo, people);
  } finally {
    await rooms.close();
  }
  log.info({ rooms: ROOMS.length, messages }, 'loaded the demo situation rooms');
}
