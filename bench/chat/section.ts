import os from 'node:os';
import { table } from '../assessments/report.js';
import type { Ladder, Measured } from './ladder.js';
import { fmt } from './report.js';
import type { StorageCost } from './storage.js';

interface Input {
  users: number;
  clients: number;
  ladders: Ladder[];
  storage: StorageCost;
  p99LimitMs: number;
  perSenderRate: number;
  setupSeconds: number;
  loadBefore: number;
  /** Sends spread over every member, at every rate. */
  spread: boolean;
  /** Where FerretDB stores: SQLite (the embedded default) or PostgreSQL. */
  backend: string;
}

const NAMES: Record<string, string> = { hub: 'hub, 1 process', bare: 'bare socket.io', redis: 'hub, 2 processes + Redis' };

const cpuCell = (m: Measured) =>
  Object.entries(m.cpu)
    .map(([k, v]) => `${k} ${v.toFixed(0)}/${(m.waiting[k] ?? 0).toFixed(0)}`)
    .join(', ');
const refused = (m: Measured) => {
  const codes = Object.entries(m.refused).map(([code, n]) => `${n} ${code}`);
  if (m.unanswered) codes.push(`${m.unanswered} unanswered`);
  return codes.length ? codes.join(', ') : '0';
};
const exactly = (m: Measured) => `${m.completeClients}/${m.clients} (missing ${m.missing}, dup ${m.duplicates}, out of order ${m.outOfOrder})`;

function row(name: string, m: Measured): (string | number)[] {
  return [
    name,
    `${m.rate} (${m.senders})`,
    `${m.stored}/${m.sent}`,
    refused(m),
    m.deliveredPerSecond.toFixed(0),
    `${fmt(m.ackP50)} / ${fmt(m.ackP99)}`,
    `${fmt(m.p50)} / ${fmt(m.p99)} / ${fmt(m.max)}`,
    exactly(m),
    cpuCell(m),
  ];
}

const HEAD = [
  'server',
  'msg/s (senders)',
  'stored/sent',
  'refused',
  'deliveries/s',
  'ack p50 / p99 ms',
  'delivery p50 / p99 / max ms',
  'clients with every message once, in order',
  'CPU / waiting for a core, % of one core',
];

/** The markdown of the real-time part of the chat section. */
export function chatSection(input: Input): string {
  const { ladders, storage: s, users, clients } = input;
  const find = (server: string) => ladders.find((l) => l.server === server);
  const hub = find('hub');
  const bare = find('bare');
  const redis = find('redis');
  const steadyRate = ladders[0]?.steady.rate ?? 50;
  const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? `${((100 * a) / b).toFixed(0)} %` : '—');
  const sustainable = (l: Ladder | undefined) =>
    l
      ? `${l.sustainable} msg/s = ${(l.sustainable * clients).toLocaleString('en')} deliveries/s (ramp stopped by ${l.stoppedBy}${l.restarts ? `; restarted ${l.restarts}× to drop a backlog of timed-out sends` : ''})`
      : 'not run';
  const p99Goal = hub ? hub.steady.p99 < 100 && hub.steady.missing === 0 : false;
  const throughputGoal = hub && bare ? hub.sustainable >= 0.5 * bare.sustainable : false;

  return `### Real-time delivery (issue 5, item 7)

\`npx tsx bench/chat/run.ts\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, load average ${input.loadBefore.toFixed(1)} at the start and
${os.loadavg()[0]!.toFixed(1)} at the end (the machine is shared: figures are noisy, ratios within the run are what to compare).
The hub's database: FerretDB 1.24 on ${input.backend}.
${users} users of five organisations (the Office and four partners), created and signed in through the API as the Office admin
(${input.setupSeconds.toFixed(0)} s), and ${clients} socket.io clients joined to one room (client *i* signs in as user *i* mod ${users}${
    users > clients
      ? `; the other ${users - clients} members each have a socket that sends but has not joined the room, as members who write without the room open`
      : ', as a user with the hub open on several devices'
  }). The clients run in the benchmark process, so one clock times each \`emit\` and each
arrival; websocket transport, \`perMessageDeflate\` off on both sides, no \`bufferutil\` (not installed). Messages of about 120
characters are sent with \`message:send\` and a \`clientMsgId\` at a steady pace, round-robin over a pool of senders (distinct users):
${
  input.spread
    ? `every step spreads its sends over all ${users} members (a crowd: each member sends now and then, so what a send costs per sender is paid as a real room pays it; §8's 20 messages in 10 s per user is never near)`
    : `§8 allows a user 20 messages in 10 s, so a sender sends at most ${input.perSenderRate} a second and the pool is max(20, rate ÷ ${input.perSenderRate})`
}
(${hub?.steady.senders ?? '—'} at ${steadyRate} msg/s, at most ${users}). Latency runs from the sender's \`emit\` to the \`message:new\` of each of the ${clients}
clients (the sender's own included); acknowledgements time out after 10 s, and a delivery counts as missing if it has not
arrived 5 s after the last acknowledgement. A step holds when every stored message reached every client exactly once, nothing
was refused or unanswered, and p99 ≤ ${input.p99LimitMs} ms. After the steady ${steadyRate} msg/s, the search for the sustainable rate: while
steps hold the rate rises (doubling while p99 is under half the limit, else by half), while none has held it falls (for the two
processes first to what one process sustained, else to a quarter), and between a rate that held and one that failed it goes
halfway until they are within 25 %; a step that
failed on latency alone runs once more before it counts ("again"). A server left working through sends whose acknowledgement
timed out is restarted before the next step. "Out of order" counts arrivals of a lower seq after a higher one.
CPU and waiting come from \`/proc/<pid>/task/*/schedstat\`: time on a core, and time runnable but waiting for one (100 = one
thread the whole step) — high waiting means the machine, not the process, was the limit.

${table(
  HEAD,
  ladders.flatMap((l) => [row(`**${NAMES[l.server]}** steady`, l.steady), ...l.ramp.map((m) => row(`${NAMES[l.server]} ${m.label}`, m))]),
)}

| | hub, 1 process | bare socket.io | hub ÷ bare | hub, 2 processes + Redis |
| --- | --- | --- | --- | --- |
| p99 at ${steadyRate} msg/s (${(steadyRate * clients).toLocaleString('en')} deliveries/s) | ${hub ? `${fmt(hub.steady.p99)} ms` : '—'} | ${bare ? `${fmt(bare.steady.p99)} ms` : '—'} | ${hub && bare ? `${(hub.steady.p99 / bare.steady.p99).toFixed(hub.steady.p99 / bare.steady.p99 >= 10 ? 0 : 1)}×` : '—'} | ${redis ? `${fmt(redis.steady.p99)} ms` : '—'} |
| sustainable send rate | ${hub?.sustainable ?? '—'} msg/s | ${bare?.sustainable ?? '—'} msg/s | ${ratio(hub?.sustainable, bare?.sustainable)} | ${redis?.sustainable ?? '—'} msg/s |

- Hub: ${sustainable(hub)}.
- Bare socket.io: ${sustainable(bare)}.${benchNote(bare)}
- Two hub processes with Redis: ${sustainable(redis)}.

Goals — p99 under 100 ms at 10,000 deliveries/s: **${p99Goal ? 'met' : 'missed'}** (${hub ? `${fmt(hub.steady.p99)} ms` : '—'}); sustainable throughput at least 50 % of the
bare server's: **${throughputGoal ? 'met' : 'missed'}** (${ratio(hub?.sustainable, bare?.sustainable)}).

#### What one message costs the database

Each process keeps one write queue per room (\`server/repositories/messageLog.ts\`): messages that arrive while the room's
insert is in flight wait for it and go in together, as one ordered \`insertMany\` under consecutive seqs. Socket handlers keep the
room for 5 s and the principal until the next session sweep renews it (every 30 s, one query per collection for all sockets). Measured from the benchmark process against the same FerretDB:

- \`sendMessage\` with a \`clientMsgId\`, one at a time in a room the process knows: **${fmt(s.send.mean)} ms** (p99 ${fmt(s.send.p99)}) and
  **${s.commandsPerMessage.toFixed(1)} database commands** per message:

${table(
  ['command collection', 'per message'],
  s.commands.map(([name, n]) => [`\`${name}\``, n.toFixed(2)]),
)}

- what a socket handler reads when its copies are gone (principal: user, session, organisation; the room):
  ${s.refresh.commands} commands, ${fmt(s.refresh.stats.mean)} ms; the first send into a room the process has not written to (it reads the head's hint and the
  room's last blocks, and creates the block's claim index): ${s.firstSend.commands} commands, ${fmt(s.firstSend.ms)} ms;
- \`appendMessage\` one at a time, each waited for: ${fmt(s.storeOne.mean)} ms (p99 ${fmt(s.storeOne.p99)}); a raw \`insertMany\` of 10 into a block:
  ${fmt(s.storeBatchOf10.mean)} ms (${fmt(s.storeBatchOf10.mean / 10)} ms a message);
- ${s.concurrent.messages} senders at once into one room: **${s.concurrent.inserts} insert${s.concurrent.inserts === 1 ? '' : 's'}**, all stored in ${fmt(s.concurrent.ms)} ms, seqs in order.

${limitAnalysis(input, hub, bare)}
`;
}

/** When the clients' own process neared a core at the bare server's best step, the ceiling is a floor. */
function benchNote(bare: Ladder | undefined): string {
  const top = bare && [bare.steady, ...bare.ramp].filter((m) => m.rate === bare.sustainable).at(-1);
  const bench = top?.cpu.bench ?? 0;
  return bench >= 70
    ? ` The clients' process ran ${bench.toFixed(0)} % of a core there (decoding ${top!.deliveredPerSecond.toFixed(0)} arrivals a second), so the bare ceiling is at least this.`
    : '';
}

/** What the hub itself saw at each step (its metrics: inserts, event loop, garbage collection). */
function insideTable(hub: Ladder): string {
  const steps = [hub.steady, ...hub.ramp].filter((m) => m.inside);
  if (steps.length === 0) return '';
  const row = (m: Measured) => {
    const i = m.inside!;
    return `| ${m.rate} (${m.label}) | ${fmt(m.p99)} | ${fmt(i.inserts / m.seconds)} | ${fmt(i.messagesPerInsert)} | ≤ ${fmt(i.insertP50Ms)} / ≤ ${fmt(i.insertP99Ms)} | ${fmt(i.loopP99Ms)} / ${fmt(i.loopMaxMs)} | ${fmt(i.gcMsPerSecond)} | ${fmt(i.commandsPerMessage)}: ${i.topCommands.map(([k, n]) => `\`${k}\` ${fmt(n)}`).join(', ')} |`;
  };
  return `
Inside the hub at each step (from its own metrics, scraped before and after the step): the inserts of messages
(\`hub_message_insert_seconds\`, bucket bounds), how late its event loop ran, its garbage collection, and the database
commands it sent per stored message (\`hub_database_commands_total\`: all of them, then the largest kinds).

| msg/s (step) | delivery p99 ms | inserts/s | messages per insert | insert p50 / p99 ms | event loop p99 / max ms | GC ms/s | database commands per message |
| --- | --- | --- | --- | --- | --- | --- | --- |
${steps.map(row).join('\n')}
`;
}

/** Where the hub's limit is, from this run's figures. */
function limitAnalysis(input: Input, hub: Ladder | undefined, bare: Ladder | undefined): string {
  if (!hub) return '';
  const cpu = (m: Measured, name: string) => `${(m.cpu[name] ?? 0).toFixed(0)} %`;
  const wait = (m: Measured, name: string) => `${(m.waiting[name] ?? 0).toFixed(0)} %`;
  const failed = [...hub.ramp].reverse().find((m) => m.rate > hub.sustainable);
  const at = (
    m: Measured,
  ) => `at ${m.rate} msg/s the hub ran ${cpu(m, 'hub')} of a core (waiting ${wait(m, 'hub')}), FerretDB ${cpu(m, 'ferretdb')} (waiting ${wait(m, 'ferretdb')}) and the
clients' process ${cpu(m, 'bench')} (waiting ${wait(m, 'bench')})`;
  const redis = input.ladders.find((l) => l.server === 'redis');
  const contended = redis && [redis.steady, ...redis.ramp].filter((m) => m.rate > redis.sustainable).at(-1);
  return `#### Where the limit is

A${at(hub.steady).slice(1)}.${failed ? ` Where the ramp stopped, ${at(failed)}.` : ''}
${insideTable(hub)}
${bare ? `The bare server delivered ${bare.steady.rate} msg/s to ${bare.steady.clients} clients on ${cpu(bare.steady, 'server')} of a core. ` : ''}The machine has two cores for
the hub, FerretDB and the ${input.clients} clients together; "waiting" is time a thread was ready to run and had no core.
${
  contended
    ? `
With two processes each room has one writer (\`server/realtime/roomWriters.ts\`): the process holding the room's lease in
Redis stores and announces every message, the other hands its senders' messages over (\`room:append\`), so batches never
collide. Where their ramp stopped, at ${contended.rate} msg/s, hub A ran ${cpu(contended, 'hubA')} of a core (waiting ${wait(contended, 'hubA')}), hub B ${cpu(contended, 'hubB')}
(waiting ${wait(contended, 'hubB')}), FerretDB ${cpu(contended, 'ferretdb')} (waiting ${wait(contended, 'ferretdb')}) and the clients' process ${cpu(contended, 'bench')}: four busy processes on two cores.
`
    : ''
}`;
}
