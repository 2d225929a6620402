import {
  AircallContact,
  AircallNumber,
  AircallTag,
  AircallTeam,
  AircallUser,
} from '../../src/aircall/aircall-types';
import { SeededRandom } from './seeded-random';

const FIRST_NAMES = [
  'Alice',
  'Bruno',
  'Chloé',
  'Dmitri',
  'Emma',
  'Farid',
  'Gina',
  'Hugo',
  'Inès',
  'Jonas',
  'Keiko',
  'Léa',
  'Mateo',
  'Nora',
  'Omar',
  'Paula',
];
const LAST_NAMES = [
  'Martin',
  'Bernard',
  'Smith',
  'García',
  'Müller',
  'Rossi',
  'Dubois',
  'Nguyen',
  'Kowalski',
  'Silva',
  'Okafor',
  'Larsen',
];
const TEAM_NAMES = [
  'Support',
  'Sales',
  'Onboarding',
  'Billing',
  'Success',
  'Escalations',
  'Night shift',
  'Partners',
];
const TAG_NAMES = [
  'vip',
  'follow-up',
  'complaint',
  'sales-lead',
  'billing',
  'churn-risk',
  'feedback',
  'urgent',
  'spam',
  'renewal',
];
const COLORS = ['#00B388', '#FF6B6B', '#4D7CFE', '#FFB020', '#8E44AD', '#2C3E50'];
const COUNTRIES: ReadonlyArray<{ code: string; prefix: string; zone: string }> = [
  { code: 'FR', prefix: '+33 1 ', zone: 'Europe/Paris' },
  { code: 'US', prefix: '+1 415-', zone: 'America/Los_Angeles' },
  { code: 'GB', prefix: '+44 20 ', zone: 'Europe/London' },
  { code: 'DE', prefix: '+49 30 ', zone: 'Europe/Berlin' },
];

/** The directory of one company: small, generated once from the seed and kept (tests may edit it). */
export interface SimulatedDirectory {
  users: AircallUser[];
  teams: AircallTeam[];
  numbers: AircallNumber[];
  tags: AircallTag[];
}

export interface DirectorySizes {
  users: number;
  teams: number;
  numbers: number;
  tags: number;
}

function isoDate(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

/** A phone number in international format, deterministic for (seed, index). */
export function phoneNumber(random: SeededRandom): { digits: string; country: string; zone: string } {
  const country = random.pick(COUNTRIES);
  return {
    digits: `${country.prefix}${random.int(100, 999)} ${random.int(1000, 9999)}`,
    country: country.code,
    zone: country.zone,
  };
}

export function generateDirectory(
  baseUrl: string,
  companyOrdinal: number,
  seed: number,
  sizes: DirectorySizes,
  createdAt: number,
): SimulatedDirectory {
  const random = new SeededRandom(seed, 0xd1);
  const idBase = 1000 + companyOrdinal * 100_000;
  const users: AircallUser[] = Array.from({ length: sizes.users }, (_, k) => {
    const first = FIRST_NAMES[(k + seed) % FIRST_NAMES.length];
    const last = random.pick(LAST_NAMES);
    const id = idBase + k + 1;
    const available = random.chance(0.6);
    return {
      id,
      name: `${first} ${last}`,
      email: `${first
        .toLowerCase()
        .normalize('NFD')
        .replace(/[^a-z]/g, '')}.${k + 1}@company${companyOrdinal}.example`,
      direct_link: `${baseUrl}/v2/users/${id}`,
      language: random.pick(['en-US', 'fr-FR', 'de-DE']),
      created_at: isoDate(createdAt - random.int(86_400, 86_400 * 400)),
      time_zone: random.pick(COUNTRIES).zone,
      state: 'always_opened',
      wrap_up_time: random.pick([0, 10, 30]),
      extension: String(k + 1).padStart(3, '0'),
      availability_status: available ? 'available' : random.pick(['custom', 'unavailable']),
      available,
      default_number_id: null,
      substatus: available ? 'always_opened' : random.pick(['always_closed', 'Out for lunch', 'In training']),
    };
  });
  const numbers: AircallNumber[] = Array.from({ length: sizes.numbers }, (_, k) => {
    const phone = phoneNumber(random);
    const id = idBase + 20_000 + k + 1;
    return {
      availability_status: random.pick(['open', 'custom', 'closed']),
      country: phone.country,
      created_at: isoDate(createdAt - random.int(86_400, 86_400 * 400)),
      digits: phone.digits,
      direct_link: `${baseUrl}/v1/numbers/${id}`,
      flow_editor_enabled: k === 0,
      id,
      is_ivr: k === 0,
      live_recording_activated: random.chance(0.5),
      messages: numberMessages(phone.country),
      name: `${phone.country} line ${k + 1}`,
      open: random.chance(0.8),
      priority: null,
      time_zone: phone.zone,
      users: random.sample(users, Math.min(users.length, random.int(1, 4))).map(summaryOfUser),
    };
  });
  for (const [k, user] of users.entries())
    user.default_number_id = numbers[k % Math.max(1, numbers.length)]?.id ?? null;
  const teams: AircallTeam[] = Array.from({ length: sizes.teams }, (_, k) => {
    const id = idBase + 40_000 + k + 1;
    return {
      id,
      direct_link: `${baseUrl}/v1/teams/${id}`,
      name:
        TEAM_NAMES[k % TEAM_NAMES.length] +
        (k >= TEAM_NAMES.length ? ` ${Math.floor(k / TEAM_NAMES.length) + 1}` : ''),
      created_at: isoDate(createdAt - random.int(86_400, 86_400 * 400)),
      users: random.sample(users, Math.min(users.length, random.int(1, 5))).map(summaryOfUser),
    };
  });
  const tags: AircallTag[] = Array.from({ length: sizes.tags }, (_, k) => {
    const id = idBase + 60_000 + k + 1;
    return {
      id,
      direct_link: `${baseUrl}/v1/tags/${id}`,
      name:
        TAG_NAMES[k % TAG_NAMES.length] +
        (k >= TAG_NAMES.length ? `-${Math.floor(k / TAG_NAMES.length) + 1}` : ''),
      color: random.pick(COLORS),
      description: null,
    };
  });
  return { users, teams, numbers, tags };
}

const MEDIA = 'https://media-web.aircall.io/tracks/tts/languages/en/voices/Joanna';

/** A number's greetings, as Aircall lists them (recorded body 01): stable links, not call media. */
function numberMessages(country: string): Record<string, string> {
  const track = (name: string) => `${MEDIA}/${country.toLowerCase()}-${name}.mp3`;
  return {
    after_hours: track('after-hours'),
    callback_later: track('callback-later'),
    closed: track('closed'),
    ivr: track('ivr'),
    ringing_tone: `https://media-web.aircall.io/tracks/ringing_tones/${country}.mp3`,
    unanswered_call: track('unanswered'),
    voicemail: track('voicemail'),
    waiting: 'https://media-web.aircall.io/tracks/library/waiting.mp3',
    welcome: track('welcome'),
  };
}

const pick = <T extends object>(value: T, keys: readonly string[]): T => {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = (value as Record<string, unknown>)[key];
  return out as T;
};
const v1Link = (user: AircallUser) => String(user.direct_link).replace('/v2/users/', '/v1/users/');

/** A user as `GET /v2/users` lists it (recorded body 09). */
export function v2User(user: AircallUser): AircallUser {
  return pick(user, V2_USER_KEYS);
}
const V2_USER_KEYS = [
  'id',
  'name',
  'email',
  'direct_link',
  'language',
  'created_at',
  'time_zone',
  'state',
  'wrap_up_time',
  'extension',
  'availability_status',
  'available',
  'default_number_id',
  'substatus',
];

/** The user nested in a call from the API, and in teams and numbers (recorded body 01: no substatus). */
export function summaryOfUser(user: AircallUser): AircallUser {
  return {
    ...pick(user, [
      'availability_status',
      'available',
      'created_at',
      'email',
      'extension',
      'id',
      'language',
      'name',
      'state',
      'time_zone',
      'wrap_up_time',
    ]),
    direct_link: v1Link(user),
  };
}

/** A comment's author from the API (recorded body 02: no time_zone, language, wrap_up_time). */
export function authorOfComment(user: AircallUser): AircallUser {
  return {
    ...pick(user, ['id', 'name', 'email', 'available', 'availability_status', 'created_at']),
    direct_link: v1Link(user),
  };
}

/** The user nested in a webhook's call: no created_at, no time_zone (docs/aircall-behaviour.md §2). */
export function webhookUserOf(user: AircallUser): AircallUser {
  return {
    ...pick(user, ['id', 'name', 'email', 'available', 'availability_status', 'language', 'wrap_up_time']),
    direct_link: v1Link(user),
  };
}

/** The user of `GET /v1/integrations/me` (recorded body 14). */
export function integrationUserOf(user: AircallUser): AircallUser {
  return {
    ...pick(user, [
      'id',
      'name',
      'email',
      'available',
      'availability_status',
      'substatus',
      'created_at',
      'time_zone',
      'language',
      'wrap_up_time',
    ]),
    direct_link: v1Link(user),
  };
}

/** The number nested in a call from the API (recorded body 01: no users). */
export function summaryOfNumber(number: AircallNumber): AircallNumber {
  const { users: _users, ...rest } = number;
  return rest;
}

/** The number nested in a webhook's call: no created_at, no priority, six greetings. */
export function webhookNumberOf(number: AircallNumber): AircallNumber {
  const messages = (number.messages ?? {}) as Record<string, string>;
  return {
    ...pick(number, [
      'id',
      'direct_link',
      'name',
      'digits',
      'country',
      'time_zone',
      'open',
      'availability_status',
      'is_ivr',
      'live_recording_activated',
    ]),
    messages: pick(messages, ['welcome', 'waiting', 'ivr', 'voicemail', 'closed', 'callback_later']),
  };
}

export function summaryOfTeam(team: AircallTeam): AircallTeam {
  const { users: _users, ...rest } = team;
  return rest;
}

/** Contact `index` of a company's address book, generated on demand. */
export function generateContact(
  baseUrl: string,
  companyOrdinal: number,
  seed: number,
  index: number,
  createdAt: number,
): AircallContact {
  const random = new SeededRandom(seed, 0xc0, index);
  const phone = phoneNumber(random);
  const id = 5_000_000 + companyOrdinal * 1_000_000 + index + 1;
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const created = createdAt - random.int(86_400, 86_400 * 700);
  return {
    id,
    direct_link: `${baseUrl}/v1/contacts/${id}`,
    first_name: first,
    last_name: last,
    company_name: random.chance(0.5) ? `${last} & Co` : null,
    information: null,
    is_shared: true,
    phone_numbers: [{ id: id * 10 + 1, label: 'Work', value: phone.digits }],
    emails: random.chance(0.6)
      ? [
          {
            id: id * 10 + 2,
            label: 'Work',
            value: `${first
              .toLowerCase()
              .normalize('NFD')
              .replace(/[^a-z]/g, '')}@${last
              .toLowerCase()
              .normalize('NFD')
              .replace(/[^a-z]/g, '')}.example`,
          },
        ]
      : [],
    created_at: created,
    updated_at: created + random.int(0, 86_400 * 30),
  };
}
