import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { problemBody } from '../common/problem';
import { sendProblem } from '../common/problem.filter';
import { AppConfig } from '../config/app-config';
import { bundleConsole, BundleSource, locateBundle } from './console-bundle';

export const CONSOLE_PATH = '/admin';

/**
 * The console's own policy: everything from this origin, nothing inline, no frames. Its script
 * builds every element through the DOM (no inline handlers or styles), so it needs no
 * exception; `img-src data:` is the empty favicon.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  // Revalidate every time: an upgraded server must not run yesterday's script against today's API.
  'cache-control': 'no-cache',
};

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const asset = (body: Buffer | string, type: string): Asset => {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return {
    body: buf,
    type,
    etag: `"${createHash('sha256').update(buf).digest('base64url').slice(0, 22)}"`,
  };
};

/**
 * Serves the admin console at /admin: one HTML page, its stylesheet and its script (bundled
 * TypeScript). The script comes prebuilt from `npm run build`; run from src/ (tests, `npm run
 * dev`) it is bundled from the sources on the first request for it.
 */
@Injectable()
export class ConsolePage implements OnModuleInit {
  private readonly logger = new Logger(ConsolePage.name);
  private readonly source: BundleSource;
  private script: Promise<Asset> | null = null;

  constructor(
    private readonly host: HttpAdapterHost,
    config: AppConfig,
  ) {
    this.source = locateBundle(config.production);
  }

  private scriptAsset(): Promise<Asset> {
    if (this.source.kind === 'prebuilt') {
      this.script ??= Promise.resolve(asset(this.source.js, 'text/javascript; charset=utf-8'));
      return this.script;
    }
    if (!this.script) {
      const started = Date.now();
      const entry = this.source.entry;
      this.script = bundleConsole(entry).then(
        (js) => {
          this.logger.log(`Bundled the admin console from ${entry} in ${Date.now() - started} ms`);
          return asset(js, 'text/javascript; charset=utf-8');
        },
        (err: Error) => {
          this.script = null; // a fixed source may be retried
          throw err;
        },
      );
    }
    return this.script;
  }

  onModuleInit(): void {
    const dir = join(__dirname, 'public');
    const html = asset(readFileSync(join(dir, 'index.html')), 'text/html; charset=utf-8');
    const css = asset(readFileSync(join(dir, 'console.css')), 'text/css; charset=utf-8');
    const send = (req: FastifyRequest, reply: FastifyReply, a: Asset): FastifyReply => {
      void reply.headers(SECURITY_HEADERS).header('etag', a.etag);
      if (req.headers['if-none-match'] === a.etag) return reply.code(304).send();
      return reply.type(a.type).send(a.body);
    };
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    // Not awaited, like the live page: registration must not boot Fastify before Nest is done.
    void fastify.register((scope: FastifyInstance, _opts, done) => {
      for (const path of [CONSOLE_PATH, `${CONSOLE_PATH}/`]) {
        scope.get(path, (req, reply) => send(req, reply, html));
      }
      scope.get(`${CONSOLE_PATH}/console.css`, (req, reply) => send(req, reply, css));
      scope.get(`${CONSOLE_PATH}/console.js`, async (req, reply) => {
        try {
          return send(req, reply, await this.scriptAsset());
        } catch (err) {
          this.logger.error(`Admin console bundle failed: ${(err as Error).message}`);
          sendProblem(
            reply,
            problemBody(500, 'internal', 'The admin console script could not be built.'),
            {},
          );
          return reply;
        }
      });
      done();
    });
  }
}
