// `npm run restore -- <file> [--force]`: a backup, verified whole, into an empty database and blob directory (server/ops/).
import 'dotenv/config';
import { restoreCommand } from '../server/ops/cli.js';

await restoreCommand(process.argv.slice(2));
