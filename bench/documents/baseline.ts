// The benchmark's baseline: a bare Node HTTP server that streams a request body to a file and a file
// back, with no parsing, encryption or database (`/upload?fsync=1`: fsynced before the answer, as the
// hub's blob store does). Run as its own process, like the hub; prints its port on stdout once it
// listens on 127.0.0.1.
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { pipeline } from 'node:stream';

const file = process.argv[2];
if (!file) throw new Error('usage: baseline.ts <file>');

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url?.startsWith('/upload')) {
    pipeline(req, createWriteStream(file, { flush: req.url.endsWith('?fsync=1') }), (error) => {
      res.statusCode = error ? 500 : 201;
      res.end();
    });
    return;
  }
  if (req.method === 'GET' && req.url === '/download') {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(statSync(file).size) });
    pipeline(createReadStream(file), res, () => undefined);
    return;
  }
  res.statusCode = 404;
  res.end();
});
server.requestTimeout = 0;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
