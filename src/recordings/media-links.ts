/** Which hosts a recording link may point to: exact names, or `*.domain` for its subdomains. */
export class HostAllowList {
  private readonly exact = new Set<string>();
  private readonly suffixes: string[] = [];

  constructor(list: string) {
    for (const entry of list.split(',').map((item) => item.trim().toLowerCase())) {
      if (entry.length === 0) continue;
      if (entry.startsWith('*.')) this.suffixes.push(entry.slice(1));
      else this.exact.add(entry);
    }
  }

  /** True for an http(s) URL whose host (with its port, when the entry names one) is allowed. */
  allows(url: URL): boolean {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return false;
    if (url.username || url.password) return false;
    const host = url.hostname.toLowerCase();
    if (this.exact.has(url.host.toLowerCase()) || this.exact.has(host)) return true;
    return this.suffixes.some((suffix) => host.endsWith(suffix) && host.length > suffix.length);
  }
}

/** `20261202T130000Z` → epoch ms. */
function amzDate(value: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : null;
}

/**
 * When an Aircall media link stops working (epoch ms): what a presigned S3 link says of itself
 * (`X-Amz-Date` + `X-Amz-Expires`, or the older `Expires=<unix>`), otherwise `seenAt + fallbackMs`.
 */
export function linkExpiresAt(link: string, seenAt: Date | null, fallbackMs: number): number | null {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return null;
  }
  const query = url.searchParams;
  const signedAt = amzDate(query.get('X-Amz-Date') ?? '');
  const lifetime = Number(query.get('X-Amz-Expires'));
  if (signedAt !== null && Number.isFinite(lifetime) && lifetime > 0) return signedAt + lifetime * 1000;
  const expires = Number(query.get('Expires'));
  if (Number.isInteger(expires) && expires > 1e9) return expires * 1000;
  return seenAt ? seenAt.getTime() + fallbackMs : null;
}
