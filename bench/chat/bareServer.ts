/**
 * The ceiling of this stack on this machine: a bare socket.io broadcast server with the hub's
 * socket.io options (websocket, no compression) and the same events as §8, but no auth, no
 * validation and no storage — `message:send` numbers the message in memory, broadcasts it to the
 * room and acknowledges. Started by run.ts as its own process; prints `ready <port>` on stdout.
 *
 *   node --import tsx bench/chat/bareServer.ts <port>
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';

const port = Number(process.argv[2] ?? 0);
const server = createServer();
const io = new Server(server, { serveClient: false, perMessageDeflate: false, maxHttpBufferSize: 1024 * 1024 });
const seqs = new Map<string, number>();

type Ack = (answer: object) => void;

io.on('connection', (socket) => {
  socket.on('room:join', (roomId: string, ack: Ack) => {
    void socket.join(`room:${roomId}`);
    ack({ ok: true, lastSeq: seqs.get(roomId) ?? 0 });
  });
  socket.on('message:send', (payload: { roomId: string; body: string; clientMsgId: string }, ack: Ack) => {
    const seq = (seqs.get(payload.roomId) ?? 0) + 1;
    seqs.set(payload.roomId, seq);
    // The same shape (and so about the same bytes) as the hub's message.
    const message = {
      id: `${payload.roomId}:${seq}`,
      roomId: payload.roomId,
      seq,
      author: { id: socket.id, name: 'Bare sender', organisationId: '000000000000000000000000' },
      body: payload.body,
      attachments: [],
      clientMsgId: payload.clientMsgId,
      createdAt: new Date().toISOString(),
      editedAt: null,
      deleted: false,
    };
    io.to(`room:${payload.roomId}`).emit('message:new', message);
    ack({ ok: true, message });
  });
});

server.listen(port, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === 'object' && address ? address.port : port}\n`);
});
process.on('SIGTERM', () => {
  void io.close();
  server.close(() => process.exit(0));
});
