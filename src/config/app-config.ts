import { hash, randomBytes } from 'node:crypto';
import { totalmem } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  validateSync,
  ValidationError,
} from 'class-validator';

export const APP_MODES = ['api', 'worker', 'all'] as const;
export type AppMode = (typeof APP_MODES)[number];

/** `replicas`: a submit is acknowledged only once a replica has it (WAIT); see the README. */
export const DURABLE_WRITES = ['off', 'replicas'] as const;
export type DurableWrites = (typeof DURABLE_WRITES)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;

/** The raw environment schema. Every variable Valkran reads is declared here and nowhere else. */
class EnvSchema {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @IsIn(APP_MODES) APP_MODE?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  @IsOptional() @IsString() HOST?: string;
  @IsOptional()
  @Matches(/^(redis|valkey|rediss|valkeys):\/\/.+/, {
    message: 'must be a redis:// or valkey:// URL',
  })
  VALKEY_URL?: string;
  @IsOptional()
  @Matches(/^[^,:\s]+:\d+(,[^,:\s]+:\d+)*$/, {
    message: 'must be host:port[,host:port...]',
  })
  VALKEY_CLUSTER_NODES?: string;
  @IsOptional() @IsString() VALKEY_PASSWORD?: string;
  @IsOptional()
  @Matches(/^[^\s:@/]+$/, { message: 'must be an ACL user name (no spaces, ":", "@" or "/")' })
  VALKEY_USERNAME?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(50) @Max(60000) VALKEY_COMMAND_TIMEOUT_MS?: number;
  @IsOptional() @IsIn(DURABLE_WRITES) VALKEY_DURABLE_WRITES?: string;
  @IsOptional() @IsString() VALKRAN_DATA_DIR?: string;
  @IsOptional() @IsString() VALKEY_SERVER_BIN?: string;
  @IsOptional() @Matches(/^[^,]*(,[^,]*)*$/) ADMIN_API_KEYS?: string;
  @IsOptional() @Matches(/^[^,]*(,[^,]*)*$/) SUBMIT_API_KEYS?: string;
  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_SUBMIT_PER_KEY?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_SUBMIT_PER_PLAYER?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_READ_PER_IP?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) RATE_LIMIT_AUTH_FAILURES_PER_IP?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000) MAX_BOARDS?: number;
  @IsOptional()
  @Matches(/^\d+(b|kb|mb|gb)?$/i, { message: 'must be bytes or a size such as 512mb or 2gb' })
  VALKEY_MAXMEMORY?: string;
  @IsOptional()
  @Matches(/^(true|false|\d{1,2})$/, { message: 'must be true, false or a number of proxy hops' })
  TRUST_PROXY?: string;
  @IsOptional() @IsString() CORS_ORIGINS?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(60) LIVE_MAX_HZ?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) LIVE_MAX_CONNECTIONS_PER_IP?: number;
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  LIVE_MAX_WATCHED_PER_BOARD?: number;
  @IsOptional()
  @Matches(/^[\x20-\x7e]{1,200}$/, { message: 'must be a Cache-Control header value' })
  READ_CACHE_CONTROL?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(1024) READ_RENDER_CACHE_MB?: number;
  @IsOptional() @IsString() @MaxLength(4096) BOARDS_FILE?: string;
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  WEBHOOK_ALLOW_PRIVATE?: string;
  @IsOptional()
  @Matches(/^\d{1,9}(,\d{1,9}){0,29}$/, {
    message: 'must be 1-30 comma-separated delays in milliseconds, e.g. 10000,30000,90000',
  })
  WEBHOOK_RETRY_DELAYS_MS?: string;
}

export interface ApiKeyDigests {
  /** sha256 digests of keys allowed to do everything. */
  admin: Buffer[];
  /** sha256 digests of keys allowed to submit scores. */
  submit: Buffer[];
}

export type ValkeyTarget =
  | { kind: 'standalone'; url: string }
  | {
      kind: 'cluster';
      nodes: { host: string; port: number }[];
      password?: string;
      /** The ACL user the nodes are reached as (VALKEY_USERNAME); `default` when unset. */
      username?: string;
    }
  | {
      kind: 'embedded';
      dataDir: string;
      binary: string;
      /** Valkey's `maxmemory` (bytes, or `512mb`/`1gb`); writes past it are refused (507). */
      maxmemory: string;
    };

/** Limits of the live namespace (`/live`), per api instance unless said otherwise. */
export interface LiveLimits {
  /** Socket.IO connections one client IP may hold open on one api instance; 0 = no limit. */
  maxConnectionsPerIp: number;
  /** Players with a watch lease on one board, across every instance. */
  maxWatchedPerBoard: number;
}

/** Webhook deliveries (src/webhooks); see the README, "Webhooks". */
export interface WebhookSettings {
  /**
   * Lets webhooks target private, loopback and link-local addresses and plain `http` in
   * production (development and tests); off, both are refused at creation and at delivery.
   */
  allowPrivate: boolean;
  /** The wait before each retry of a failed delivery (attempts = retries + 1). */
  retryDelaysMs: number[];
}

/**
 * The default retry schedule: 10 s × 3^n for n = 0…8, so the 10th and last attempt comes about
 * 27 hours after the first (10 s, 30 s, 90 s, 4.5 min, 13.5 min, 40 min, 2 h, 6 h, 18 h).
 */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_MS = Array.from({ length: 9 }, (_, n) => 10_000 * 3 ** n);

/** The validated, typed configuration. Built once at startup by {@link loadConfig}. */
export class AppConfig {
  constructor(
    readonly production: boolean,
    readonly mode: AppMode,
    readonly host: string,
    readonly port: number,
    readonly valkey: ValkeyTarget,
    readonly valkeyCommandTimeoutMs: number,
    readonly apiKeys: ApiKeyDigests,
    /** Plain keys generated for this run because none were configured (development only). */
    readonly generatedKeys: { admin: string; submit: string } | null,
    readonly logLevel: string,
    /** Origins allowed for browsers (Socket.IO and CORS); '*' allows any. */
    readonly corsOrigins: string[],
    /** Most live pushes per board per second. */
    readonly liveMaxHz: number,
    /** Requests per second; 0 turns a limit off. */
    readonly rateLimits: {
      submitPerKey: number;
      submitPerPlayer: number;
      readPerIp: number;
      /** Failed authentications (API key or dashboard password) per client IP. */
      authFailuresPerIp: number;
    },
    /** Whether (true) or through how many hops (a number) to trust X-Forwarded-For. */
    readonly trustProxy: boolean | number,
    /** Most boards that may exist at once. */
    readonly maxBoards: number = 10_000,
    /** Limits of the live namespace (see {@link LiveLimits}). */
    readonly liveLimits: LiveLimits = { maxConnectionsPerIp: 100, maxWatchedPerBoard: 2000 },
    /** When a submit is acknowledged: after Valkey applied it (`off`) or a replica has it too. */
    readonly durableWrites: DurableWrites = 'off',
    /** The Cache-Control of public reads (they carry an ETag; see README "Caching reads"). */
    readonly readCacheControl: string = 'no-cache',
    /** The boards file (YAML or JSON) worker processes apply at startup; null = none. */
    readonly boardsFile: string | null = null,
    /** Webhook deliveries (see {@link WebhookSettings}). */
    readonly webhooks: WebhookSettings = {
      allowPrivate: false,
      retryDelaysMs: DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
    },
    /**
     * Bytes of rendered public reads each api process keeps, each re-checked against the board's
     * version by the read's own script before it is served (0 = off; see RenderedReads).
     */
    readonly renderedReadsBytes: number = 8 * 1024 * 1024,
  ) {}
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
}

/** Variables whose values are never echoed in an error (they hold or may hold secrets). */
const SECRET_VARIABLES = new Set([
  'VALKEY_URL',
  'VALKEY_PASSWORD',
  'ADMIN_API_KEYS',
  'SUBMIT_API_KEYS',
]);

function flatten(errors: ValidationError[]): string[] {
  return errors.flatMap((e) =>
    Object.values(e.constraints ?? {}).map(
      (msg) =>
        `${e.property}: ${msg.replace(e.property, '').trim()}` +
        (SECRET_VARIABLES.has(e.property) ? '' : ` (got ${JSON.stringify(e.value)})`),
    ),
  );
}

/**
 * The embedded dev server's memory ceiling: 1 GiB, or a quarter of the machine's memory when
 * that is less, so a runaway dev board set cannot take the machine down.
 */
function defaultEmbeddedMaxmemory(): string {
  const quarter = Math.floor(totalmem() / 4 / 2 ** 20);
  return `${Math.max(64, Math.min(1024, quarter))}mb`;
}

export function sha256(text: string): Buffer {
  // One-shot: no Hash object per call (auth hashes the presented key on every request).
  return hash('sha256', text, 'buffer');
}

function parseKeys(name: string, raw: string | undefined, problems: string[]): Buffer[] {
  if (!raw) return [];
  const keys = raw
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k.length > 0);
  const out: Buffer[] = [];
  for (const key of keys) {
    if (key.startsWith('sha256:')) {
      const hex = key.slice('sha256:'.length);
      if (!/^[0-9a-fA-F]{64}$/.test(hex)) {
        problems.push(`${name}: a sha256: entry must be 64 hex characters`);
        continue;
      }
      out.push(Buffer.from(hex, 'hex'));
    } else if (key.length < 16) {
      problems.push(`${name}: every key must be at least 16 characters`);
    } else {
      out.push(sha256(key));
    }
  }
  return out;
}

/**
 * VALKEY_PASSWORD and VALKEY_USERNAME apply to VALKEY_URL too, unless the URL carries a different
 * one (an error naming the variable).
 */
function withCredential(
  url: string,
  part: 'password' | 'username',
  value: string | undefined,
  variable: string,
  problems: string[],
): string {
  if (!value || !URL.canParse(url)) return url; // a bad URL is reported by validation
  const u = new URL(url);
  if (u[part] && decodeURIComponent(u[part]) !== value) {
    problems.push(`${variable}: differs from the ${part} in VALKEY_URL; set one of them`);
    return url;
  }
  u[part] = encodeURIComponent(value);
  return u.toString();
}

/**
 * ioredis knows only redis:// and rediss://: any other scheme is taken for a Unix socket path
 * (a valkey:// URL connected nowhere and its error named the URL, password included). The
 * valkey schemes mean the same, so they are passed on as the redis ones.
 */
function forIoredis(url: string): string {
  return url.replace(/^valkey(s?):\/\//, 'redis$1://');
}

/** Browser origins as the browser sends them: `https://a.example/` becomes `https://a.example`. */
function parseOrigins(raw: string | undefined, problems: string[]): string[] {
  const out: string[] = [];
  for (const entry of (raw ?? '').split(',').map((o) => o.trim())) {
    if (!entry) continue;
    if (entry === '*') {
      out.push(entry);
      continue;
    }
    try {
      const u = new URL(entry);
      if (!/^https?:$/.test(u.protocol) || (u.pathname !== '/' && u.pathname !== ''))
        throw new Error();
      out.push(u.origin);
    } catch {
      problems.push(
        `CORS_ORIGINS: ${JSON.stringify(entry)} is not an origin such as https://game.example`,
      );
    }
  }
  return out;
}

function parseMode(env: EnvSchema, argv: string[], problems: string[]): AppMode {
  const flag = argv.findIndex((a) => a === '--mode' || a.startsWith('--mode='));
  let mode: string | undefined = env.APP_MODE;
  if (flag >= 0) {
    mode = argv[flag].includes('=') ? argv[flag].split('=')[1] : (argv[flag + 1] ?? '');
  }
  if (mode === undefined) return 'all';
  if ((APP_MODES as readonly string[]).includes(mode)) return mode as AppMode;
  problems.push(
    `--mode/APP_MODE: must be one of ${APP_MODES.join(', ')} (got ${JSON.stringify(mode)})`,
  );
  return 'all';
}

/**
 * Reads and validates the environment once. Throws {@link ConfigError} naming every bad variable.
 */
export function loadConfig(
  rawEnv: Record<string, string | undefined> = process.env,
  argv: string[] = process.argv.slice(2),
): AppConfig {
  // An empty variable means "not set" (compose files and shells produce them easily).
  const present = Object.fromEntries(
    Object.entries(rawEnv).filter(([, v]) => v !== undefined && v !== ''),
  );
  const env = plainToInstance(EnvSchema, present, { excludeExtraneousValues: false });
  const problems = flatten(validateSync(env, { whitelist: true }));
  const production = env.NODE_ENV === 'production';
  const mode = parseMode(env, argv, problems);

  let valkey: ValkeyTarget;
  if (env.VALKEY_URL && env.VALKEY_CLUSTER_NODES) {
    problems.push('VALKEY_URL, VALKEY_CLUSTER_NODES: set one, not both');
  }
  if (env.VALKEY_CLUSTER_NODES) {
    valkey = {
      kind: 'cluster',
      nodes: env.VALKEY_CLUSTER_NODES.split(',').map((hp) => {
        const [host, port] = hp.split(':');
        return { host, port: Number(port) };
      }),
      password: env.VALKEY_PASSWORD,
      username: env.VALKEY_USERNAME,
    };
  } else if (env.VALKEY_URL) {
    if (/^(redis|valkey)s?:\/\//.test(env.VALKEY_URL) && !URL.canParse(env.VALKEY_URL)) {
      problems.push(
        'VALKEY_URL: is not a valid URL (the value is not shown: it may hold a password)',
      );
    }
    valkey = {
      kind: 'standalone',
      url: forIoredis(
        withCredential(
          withCredential(
            env.VALKEY_URL,
            'password',
            env.VALKEY_PASSWORD,
            'VALKEY_PASSWORD',
            problems,
          ),
          'username',
          env.VALKEY_USERNAME,
          'VALKEY_USERNAME',
          problems,
        ),
      ),
    };
  } else {
    if (production) {
      problems.push(
        'VALKEY_URL: required in production (or VALKEY_CLUSTER_NODES); the embedded Valkey is for development only',
      );
    }
    valkey = {
      kind: 'embedded',
      dataDir: env.VALKRAN_DATA_DIR ?? '.valkran',
      binary: env.VALKEY_SERVER_BIN ?? 'valkey-server',
      maxmemory: env.VALKEY_MAXMEMORY ?? defaultEmbeddedMaxmemory(),
    };
  }

  const admin = parseKeys('ADMIN_API_KEYS', env.ADMIN_API_KEYS, problems);
  const submit = parseKeys('SUBMIT_API_KEYS', env.SUBMIT_API_KEYS, problems);
  let generatedKeys: AppConfig['generatedKeys'] = null;
  if (admin.length === 0 && submit.length === 0) {
    if (production) {
      problems.push('ADMIN_API_KEYS: production needs at least one admin or submit key');
    } else {
      generatedKeys = {
        admin: `adm_${randomBytes(18).toString('base64url')}`,
        submit: `sub_${randomBytes(18).toString('base64url')}`,
      };
      admin.push(sha256(generatedKeys.admin));
      submit.push(sha256(generatedKeys.submit));
    }
  }

  const corsOrigins = parseOrigins(env.CORS_ORIGINS, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return new AppConfig(
    production,
    mode,
    env.HOST ?? '0.0.0.0',
    env.PORT ?? 3000,
    valkey,
    env.VALKEY_COMMAND_TIMEOUT_MS ?? 500,
    { admin, submit },
    generatedKeys,
    env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'warn' : 'info'),
    corsOrigins,
    env.LIVE_MAX_HZ ?? 4,
    {
      submitPerKey: env.RATE_LIMIT_SUBMIT_PER_KEY ?? 5000,
      submitPerPlayer: env.RATE_LIMIT_SUBMIT_PER_PLAYER ?? 5,
      readPerIp: env.RATE_LIMIT_READ_PER_IP ?? 200,
      authFailuresPerIp: env.RATE_LIMIT_AUTH_FAILURES_PER_IP ?? 10,
    },
    env.TRUST_PROXY === undefined || env.TRUST_PROXY === 'false'
      ? false
      : env.TRUST_PROXY === 'true'
        ? true
        : Number(env.TRUST_PROXY),
    env.MAX_BOARDS ?? 10_000,
    {
      maxConnectionsPerIp: env.LIVE_MAX_CONNECTIONS_PER_IP ?? 100,
      maxWatchedPerBoard: env.LIVE_MAX_WATCHED_PER_BOARD ?? 2000,
    },
    (env.VALKEY_DURABLE_WRITES as DurableWrites | undefined) ?? 'off',
    env.READ_CACHE_CONTROL ?? 'no-cache',
    env.BOARDS_FILE ?? null,
    {
      allowPrivate: env.WEBHOOK_ALLOW_PRIVATE === 'true',
      retryDelaysMs: env.WEBHOOK_RETRY_DELAYS_MS
        ? env.WEBHOOK_RETRY_DELAYS_MS.split(',').map(Number)
        : DEFAULT_WEBHOOK_RETRY_DELAYS_MS,
    },
    (env.READ_RENDER_CACHE_MB ?? 8) * 1024 * 1024,
  );
}
