/** Matches a method + path (after /apis/3.0) to a route. Paths match case-insensitively, as in Manage. */
import type { RouteDefinition } from './context';
import { companyRoutes } from './resources/company';
import { documentRoutes } from './resources/documents';
import { serviceRoutes } from './resources/service';
import { systemRoutes } from './resources/system';
import { ticketRoutes } from './resources/tickets';

type Segment = { literal: string } | { param: string };
type CompiledRoute = { definition: RouteDefinition; segments: Segment[]; params: number };

export type RouteMatch =
  | { kind: 'found'; route: RouteDefinition; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allowed: string[] }
  | { kind: 'not-found' };

export const ALL_ROUTES: readonly RouteDefinition[] = [
  ...companyRoutes,
  ...serviceRoutes,
  ...ticketRoutes,
  ...systemRoutes,
  ...documentRoutes,
];

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

export function createRouter(definitions: readonly RouteDefinition[] = ALL_ROUTES) {
  const compiled: CompiledRoute[] = definitions
    .map((definition) => {
      const segments: Segment[] = splitPath(definition.path).map((segment) => {
        const param = /^\{(\w+)\}$/.exec(segment);
        return param ? { param: param[1]! } : { literal: segment.toLowerCase() };
      });
      return { definition, segments, params: segments.filter((s) => 'param' in s).length };
    })
    // Literal segments win over parameters: /company/companies/statuses before /{id}.
    .sort((a, b) => a.params - b.params);

  const byLength = new Map<number, CompiledRoute[]>();
  for (const route of compiled) {
    const list = byLength.get(route.segments.length) ?? [];
    list.push(route);
    byLength.set(route.segments.length, list);
  }

  return function matchRoute(method: string, path: string): RouteMatch {
    let parts: string[];
    try {
      parts = splitPath(path).map((segment) => decodeURIComponent(segment));
    } catch {
      return { kind: 'not-found' };
    }
    const allowed: string[] = [];
    for (const route of byLength.get(parts.length) ?? []) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const segment = route.segments[i]!;
        const part = parts[i]!;
        if ('literal' in segment) {
          if (segment.literal !== part.toLowerCase()) {
            ok = false;
            break;
          }
        } else {
          params[segment.param] = part;
        }
      }
      if (!ok) continue;
      if (route.definition.method === method) return { kind: 'found', route: route.definition, params };
      allowed.push(route.definition.method);
    }
    return allowed.length > 0 ? { kind: 'method-not-allowed', allowed } : { kind: 'not-found' };
  };
}
