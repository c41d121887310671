// `npm run backup -- <file> [--force]`: the hub's database and encrypted document blobs, streamed into one file (server/ops/).
import 'dotenv/config';
import { backupCommand } from '../server/ops/cli.js';

await backupCommand(process.argv.slice(2));
