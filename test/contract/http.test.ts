import { expressEntry } from './adapters/express.js';
import { fastifyEntry } from './adapters/fastify.js';
import { fetchHandlerEntry } from './adapters/fetch-handler.js';
import { honoEntry } from './adapters/hono.js';
import { koaEntry } from './adapters/koa.js';
import { lambdaEntry } from './adapters/lambda.js';
import { nestExpressEntry, nestFastifyEntry } from './adapters/nestjs.js';
import { nodeEntry } from './adapters/node.js';
import { describeHttpContract } from './http.js';
import { describeTenantContract } from './tenant.js';

for (const entry of [expressEntry, nodeEntry, fastifyEntry, honoEntry, koaEntry, fetchHandlerEntry, nestExpressEntry, nestFastifyEntry, lambdaEntry]) {
  describeHttpContract(entry);
  describeTenantContract(entry);
}
