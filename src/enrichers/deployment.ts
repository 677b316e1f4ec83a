/**
 * @module canon/enrichers/deployment
 * `deployment()`: `deployment: { platform, commit, region, environment, deployment_id,
 * instance_id, app, namespace, node }` from the environment variables that Kubernetes,
 * Fly.io, Render, Railway, Vercel, AWS (Lambda, ECS) and GitHub Actions set, read once
 * when `deployment()` is called. Fields with no value are left out.
 */
import { describe, invalidOption } from '../core/errors.js';
import { rejectUnknownOptions } from '../core/option-checks.js';
import { type Fields, isPlainObject } from '../core/paths.js';
import { defineEnricher, type Enricher } from './define.js';

export interface DeploymentOptions {
  /** Where to read from (default `process.env`). */
  env?: Record<string, string | undefined>;
}

type Env = Record<string, string | undefined>;

/** The platform, by the variable only it sets (first match wins). */
const PLATFORMS: [string, (env: Env) => boolean][] = [
  ['vercel', (env) => env.VERCEL !== undefined],
  ['fly', (env) => env.FLY_APP_NAME !== undefined],
  ['render', (env) => env.RENDER !== undefined],
  ['railway', (env) => env.RAILWAY_PROJECT_ID !== undefined || env.RAILWAY_ENVIRONMENT_NAME !== undefined],
  ['aws-lambda', (env) => env.AWS_LAMBDA_FUNCTION_NAME !== undefined],
  ['aws-ecs', (env) => env.ECS_CONTAINER_METADATA_URI_V4 !== undefined || env.ECS_CONTAINER_METADATA_URI !== undefined],
  ['kubernetes', (env) => env.KUBERNETES_SERVICE_HOST !== undefined],
  ['github-actions', (env) => env.GITHUB_ACTIONS === 'true'],
];

/** Each field from the first variable that has a value. */
const FIELDS: [string, string[]][] = [
  ['commit', ['VERCEL_GIT_COMMIT_SHA', 'RENDER_GIT_COMMIT', 'RAILWAY_GIT_COMMIT_SHA', 'GITHUB_SHA', 'SOURCE_VERSION', 'GIT_COMMIT_SHA', 'GIT_COMMIT', 'COMMIT_SHA']],
  ['region', ['VERCEL_REGION', 'FLY_REGION', 'RAILWAY_REPLICA_REGION', 'AWS_REGION', 'AWS_DEFAULT_REGION', 'REGION']],
  ['environment', ['VERCEL_ENV', 'RAILWAY_ENVIRONMENT_NAME', 'DEPLOYMENT_ENVIRONMENT']],
  ['deployment_id', ['VERCEL_DEPLOYMENT_ID', 'RAILWAY_DEPLOYMENT_ID', 'FLY_IMAGE_REF', 'AWS_LAMBDA_FUNCTION_VERSION', 'GITHUB_RUN_ID', 'DEPLOYMENT_ID']],
  ['instance_id', ['FLY_MACHINE_ID', 'FLY_ALLOC_ID', 'RENDER_INSTANCE_ID', 'RAILWAY_REPLICA_ID', 'AWS_LAMBDA_LOG_STREAM_NAME', 'POD_NAME', 'RUNNER_NAME']],
  ['app', ['FLY_APP_NAME', 'RENDER_SERVICE_NAME', 'RAILWAY_SERVICE_NAME', 'AWS_LAMBDA_FUNCTION_NAME', 'GITHUB_REPOSITORY']],
  ['namespace', ['POD_NAMESPACE']],
  ['node', ['NODE_NAME']],
];

const MAX_LENGTH = 256;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw ? raw.slice(0, MAX_LENGTH) : undefined;
}

/**
 * @internal What `deployment()` adds, from `env`.
 *
 * @example
 * deploymentInfo({ FLY_APP_NAME: 'shop', FLY_REGION: 'cdg', FLY_MACHINE_ID: '3d8d' })
 * // { platform: 'fly', region: 'cdg', instance_id: '3d8d', app: 'shop' }
 */
export function deploymentInfo(env: Env): Fields {
  const info: Fields = {};
  const platform = PLATFORMS.find(([, detect]) => detect(env));
  if (platform) info.platform = platform[0];
  for (const [field, names] of FIELDS) {
    for (const name of names) {
      const found = value(env, name);
      if (found !== undefined) {
        info[field] = found;
        break;
      }
    }
  }
  // in a pod without the downward API, HOSTNAME is the pod's name
  if (info.platform === 'kubernetes' && info.instance_id === undefined) {
    const host = value(env, 'HOSTNAME');
    if (host !== undefined) info.instance_id = host;
  }
  return info;
}

/**
 * The deployment enricher: the environment is read once, here.
 *
 * @example
 * import { createCanon } from 'canon';
 * import { deployment } from 'canon/enrichers';
 * const canon = createCanon({ plugins: [deployment()] });
 * // on Fly.io: { …, "deployment": { "platform": "fly", "region": "cdg", "instance_id": "3d8d…", "app": "shop" } }
 */
export function deployment(options: DeploymentOptions = {}): Enricher {
  rejectUnknownOptions(options, ['env'], 'deployment.');
  if (options.env !== undefined && !isPlainObject(options.env) && options.env !== process.env) {
    throw invalidOption('deployment.env', `expected an object of strings, got ${describe(options.env)}`);
  }
  const info = deploymentInfo(options.env ?? process.env);
  const empty = Object.keys(info).length === 0;
  return defineEnricher('deployment', () => (empty ? undefined : { deployment: info }));
}
