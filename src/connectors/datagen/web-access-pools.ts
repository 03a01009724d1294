import { QuantileTable } from './quantile-table.js';
import { WeightedChoice } from './weighted-choice.js';

/**
 * What the generated traffic looks like: a small web shop's paths by popularity and kind, and the
 * pools of user agents and referrers with their shares. The numbers are plausible guesses for such
 * a site, not measurements; the generator only draws from them.
 */

/** How a kind of path behaves: its methods, statuses, and log-normal size and latency of its 2xx responses. */
export interface PathKind {
  readonly methods: WeightedChoice<string>;
  readonly statuses: WeightedChoice<number>;
  readonly bytes: QuantileTable;
  readonly latencyMs: QuantileTable;
}

const PAGE: PathKind = {
  methods: new WeightedChoice([
    ['GET', 95],
    ['POST', 4],
    ['HEAD', 1],
  ]),
  statuses: new WeightedChoice([
    [200, 900],
    [301, 10],
    [302, 20],
    [304, 20],
    [404, 25],
    [401, 5],
    [403, 5],
    [500, 8],
    [502, 4],
    [503, 3],
  ]),
  bytes: QuantileTable.logNormal(12_000, 0.6),
  latencyMs: QuantileTable.logNormal(80, 0.7),
};
const STATIC: PathKind = {
  methods: new WeightedChoice([
    ['GET', 98],
    ['HEAD', 2],
  ]),
  statuses: new WeightedChoice([
    [200, 700],
    [304, 270],
    [404, 25],
    [500, 5],
  ]),
  bytes: QuantileTable.logNormal(30_000, 1.2),
  latencyMs: QuantileTable.logNormal(8, 0.6),
};
const API: PathKind = {
  methods: new WeightedChoice([
    ['GET', 70],
    ['POST', 20],
    ['PUT', 6],
    ['DELETE', 4],
  ]),
  statuses: new WeightedChoice([
    [200, 850],
    [201, 30],
    [204, 20],
    [400, 30],
    [401, 20],
    [403, 5],
    [404, 15],
    [429, 10],
    [500, 12],
    [502, 5],
    [503, 3],
  ]),
  bytes: QuantileTable.logNormal(1_500, 0.8),
  latencyMs: QuantileTable.logNormal(40, 0.9),
};
const PROBE: PathKind = {
  methods: new WeightedChoice([
    ['GET', 80],
    ['POST', 20],
  ]),
  statuses: new WeightedChoice([
    [404, 950],
    [403, 50],
  ]),
  bytes: QuantileTable.logNormal(400, 0.3),
  latencyMs: QuantileTable.logNormal(5, 0.5),
};

export interface PathEntry {
  readonly path: string;
  readonly kind: PathKind;
}

/** A client keeps its address and browser for the whole run. */
export interface Client {
  readonly ip: string;
  readonly userAgent: string;
}

/** Paths from most to least popular (their Zipf rank), with their kind. */
export function pathPool(): PathEntry[] {
  const head: Array<readonly [string, PathKind]> = [
    ['/', PAGE],
    ['/static/js/app.js', STATIC],
    ['/static/css/main.css', STATIC],
    ['/api/v1/products', API],
    ['/products', PAGE],
    ['/favicon.ico', STATIC],
    ['/search', PAGE],
    ['/api/v1/cart', API],
    ['/cart', PAGE],
    ['/static/img/logo.png', STATIC],
    ['/api/v1/recommendations', API],
    ['/login', PAGE],
    ['/static/js/vendor.js', STATIC],
    ['/checkout', PAGE],
    ['/api/v1/session', API],
    ['/account', PAGE],
    ['/robots.txt', STATIC],
    ['/api/v1/search', API],
    ['/blog', PAGE],
    ['/help', PAGE],
    ['/wp-login.php', PROBE],
    ['/about', PAGE],
    ['/contact', PAGE],
    ['/.env', PROBE],
  ];
  const tail: Array<readonly [string, PathKind]> = [];
  for (let id = 1001; id <= 1120; id++) {
    tail.push([`/products/${id}`, PAGE]);
    if (id <= 1060) tail.push([`/api/v1/products/${id}`, API]);
    if (id <= 1040) tail.push([`/static/img/products/${id}.jpg`, STATIC]);
  }
  for (const slug of [
    'streaming-101',
    'event-time',
    'watermarks-explained',
    'spring-sale',
    'shipping-update',
  ]) {
    tail.push([`/blog/${slug}`, PAGE]);
  }
  tail.push(['/xmlrpc.php', PROBE], ['/admin.php', PROBE], ['/.git/config', PROBE]);
  return [...head, ...tail].map(([path, kind]) => ({ path, kind }));
}

export const USER_AGENTS = new WeightedChoice<string>([
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    38,
  ],
  [
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
    14,
  ],
  [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
    16,
  ],
  [
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36',
    9,
  ],
  ['Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0', 7],
  [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0',
    7,
  ],
  ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', 4],
  ['Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)', 2],
  ['curl/8.5.0', 1],
  ['python-requests/2.31.0', 2],
]);

export const REFERRERS = new WeightedChoice<string>([
  ['-', 45],
  ['https://www.google.com/', 25],
  ['https://shop.example.com/', 12],
  ['https://shop.example.com/products', 8],
  ['https://www.bing.com/', 4],
  ['https://duckduckgo.com/', 2],
  ['https://t.co/', 2],
  ['https://news.ycombinator.com/', 2],
]);

export const CLIENT_ERROR_BYTES = QuantileTable.logNormal(500, 0.4);
export const SERVER_ERROR_BYTES = QuantileTable.logNormal(300, 0.4);
/** Server errors are mostly timeouts and overloaded upstreams: five times slower. */
export const SERVER_ERROR_SLOWDOWN = 5;
