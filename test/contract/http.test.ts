import { expressEntry } from './adapters/express.js';
import { nodeEntry } from './adapters/node.js';
import { describeHttpContract } from './http.js';

for (const entry of [expressEntry, nodeEntry]) describeHttpContract(entry);
