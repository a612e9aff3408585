import { INestApplication, PipeTransform, RequestMethod, Type } from '@nestjs/common';
import {
  METHOD_METADATA,
  PATH_METADATA,
  PIPES_METADATA,
  ROUTE_ARGS_METADATA,
} from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { ModulesContainer } from '@nestjs/core';

/** Whether a path parameter's (decoded) value passes the route's validation of it. */
export type ParamCheck = (value: string) => boolean;

type PipeRef = Type<PipeTransform> | PipeTransform;

interface RouteArg {
  index: number;
  data?: unknown;
  pipes?: PipeRef[];
}

const asPipe = (p: PipeRef): PipeTransform =>
  typeof p === 'function' ? new (p as Type<PipeTransform>)() : p;

const paths = (meta: unknown): string[] =>
  meta === undefined ? [''] : Array.isArray(meta) ? (meta as string[]) : [meta as string];

/** `v1/x` + `:id/y` as OpenAPI writes it: `/v1/x/{id}/y`. */
const template = (...parts: string[]): string =>
  ('/' + parts.filter(Boolean).join('/'))
    .replace(/\/+/g, '/')
    .replace(/(.)\/$/, '$1')
    .replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * The path parameters of every route of a running app with the validation Nest runs on them
 * (`@UsePipes` on the controller and the handler, then the `@Param(name, ...pipes)` pipes; the
 * global validation pipe passes a string parameter through), keyed by `"METHOD /template"` as
 * the OpenAPI document names the operation. A parameter no pipe validates is absent: anything
 * is valid for it. Pipes are synchronous here (a Promise from one throws).
 */
export function pathParamChecks(app: INestApplication): Map<string, Map<string, ParamCheck>> {
  const routes = new Map<string, Map<string, ParamCheck>>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as Type<unknown> | null;
      if (!cls) continue;
      const shared = (Reflect.getMetadata(PIPES_METADATA, cls) ?? []) as PipeRef[];
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, unknown>)[name];
        if (name === 'constructor' || typeof handler !== 'function') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const own = (Reflect.getMetadata(PIPES_METADATA, handler) ?? []) as PipeRef[];
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) ?? {}) as Record<
          string,
          RouteArg
        >;
        const checks = new Map<string, ParamCheck>();
        for (const [key, arg] of Object.entries(args)) {
          if (!key.startsWith(`${RouteParamtypes.PARAM}:`) || typeof arg.data !== 'string')
            continue;
          const pipes = [...shared, ...own, ...(arg.pipes ?? [])].map(asPipe);
          if (pipes.length === 0) continue;
          const data = arg.data;
          checks.set(data, (value) => {
            let v: unknown = value;
            for (const pipe of pipes) {
              try {
                v = pipe.transform(v, { type: 'param', data });
              } catch {
                return false;
              }
              if (v instanceof Promise)
                throw new Error(`${cls.name}.${name}: async pipe on ${data}`);
            }
            return true;
          });
        }
        for (const base of paths(Reflect.getMetadata(PATH_METADATA, cls))) {
          for (const sub of paths(Reflect.getMetadata(PATH_METADATA, handler))) {
            routes.set(`${RequestMethod[method]} ${template(base, sub)}`, checks);
          }
        }
      }
    }
  }
  return routes;
}
