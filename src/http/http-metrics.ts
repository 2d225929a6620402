import { MetricsService } from '../metrics/metrics.service';

/** Routes get their own label; anything else is `other`, so a scanner probing random paths cannot blow up the series count. */
const KNOWN_ROUTES = [
  '/aircall/webhook',
  '/graphql',
  '/health',
  '/metrics',
  '/oauth/install',
  '/oauth/callback',
];

export function routeLabel(path: string): string {
  return KNOWN_ROUTES.includes(path) ? path : 'other';
}

/** Records one served request: count by route, method and status class, and its latency. */
export function recordHttpRequest(
  metrics: MetricsService,
  method: string,
  path: string,
  status: number,
  ms: number,
): void {
  const route = routeLabel(path);
  metrics.inc('http_requests_total', 'HTTP requests served, by route, method and status', {
    route,
    method,
    status: String(status),
  });
  metrics.observe('http_request_duration_ms', 'HTTP request latency in milliseconds, by route', ms, {
    route,
  });
}
