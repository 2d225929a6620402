import {
  AircallCall,
  AircallComment,
  AircallParticipant,
  AircallUser,
} from '../../src/aircall/aircall-types';
import {
  authorOfComment,
  generateContact,
  phoneNumber,
  SimulatedDirectory,
  summaryOfNumber,
  summaryOfTeam,
  summaryOfUser,
  webhookNumberOf,
  webhookUserOf,
} from './directory-generator';
import { MediaKind, mediaPath } from './media-links';
import { hash32, SeededRandom } from './seeded-random';

/**
 * Aircall's documented reasons (docs/aircall-behaviour.md §3): the live API still sends
 * `abandoned_in_classic`, Smartflows documents its successor `abandoned`.
 */
export const MISSED_CALL_REASONS = [
  'out_of_opening_hours',
  'short_abandoned',
  'abandoned_in_ivr',
  'abandoned_in_classic',
  'abandoned',
  'no_available_agent',
  'agents_did_not_answer',
] as const;

const COMMENTS = [
  'Called back, all good.',
  'Wants a quote by Friday.',
  'Escalated to billing.',
  'Left a message.',
  'Asked about the new plan.',
];
const CONTACT_POOL = 400;

/** Everything needed to produce call `index` of one company without storing it. */
export interface CallSpace {
  baseUrl: string;
  /** Aircall's company id, part of each media file's path. */
  companyId: number;
  companyOrdinal: number;
  seed: number;
  /** Number of generated calls; indexes 0..count-1. */
  count: number;
  /** Unix seconds: calls' started_at lie in [from, to]. */
  from: number;
  to: number;
  /** Id of call 0; call i has id idBase + i. */
  idBase: number;
  directory: SimulatedDirectory;
  /** Reference time for contacts' creation dates. */
  createdAt: number;
}

/**
 * started_at of call `index`: evenly spread over the range with a seeded offset inside each slot,
 * so it never decreases with the index (which makes from/to a binary search).
 */
export function startedAtOf(space: CallSpace, index: number): number {
  const span = Math.max(1, space.to - space.from);
  const offset = hash32(space.seed, 0x5a, index) / 4294967296;
  return space.from + Math.floor(((index + offset) * span) / space.count);
}

/** First index whose started_at satisfies `predicate`, assuming it is monotone (false…false true…true). */
export function firstIndexWhere(space: CallSpace, predicate: (startedAt: number) => boolean): number {
  let low = 0;
  let high = space.count;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (predicate(startedAtOf(space, middle))) high = middle;
    else low = middle + 1;
  }
  return low;
}

/** The unsigned key a stored call holds for a file the simulator serves (reads show it signed). */
export function mediaKeyOf(space: CallSpace, callId: number, kind: MediaKind): string {
  return `${space.baseUrl}${mediaPath({ companyId: space.companyId, callId, kind })}`;
}

function uuid(random: SeededRandom): string {
  const h = random.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Call `index` of the company: a full Call object as `GET /v1/calls` returns it (recorded body 01),
 * with everything the API adds on request (`fetch_contact`, `fetch_call_timeline`) and what only
 * webhooks carry (`participants`). The routes and the webhook sender cut it to what each shows
 * (restCallView, webhookCallView) and sign its media links at that moment (MediaLinkSigner.mint).
 */
export function generateCall(space: CallSpace, index: number): AircallCall {
  const random = new SeededRandom(space.seed, 0xca11, index);
  const { users, teams, numbers, tags } = space.directory;
  const id = space.idBase + index;
  const startedAt = startedAtOf(space, index);
  const inbound = random.chance(0.62);
  const answered = random.chance(inbound ? 0.7 : 0.65);
  const ringing = random.int(3, 35);
  const answeredAt = answered ? startedAt + ringing : null;
  const endedAt = answered ? startedAt + ringing + random.int(8, 1500) : startedAt + random.int(2, 60);
  const missedReason = inbound && !answered ? random.pick(MISSED_CALL_REASONS) : null;
  const voicemail =
    inbound &&
    !answered &&
    (missedReason === 'no_available_agent' ||
      missedReason === 'out_of_opening_hours' ||
      missedReason === 'agents_did_not_answer') &&
    random.chance(0.4);
  const user: AircallUser | null =
    users.length > 0 && (answered || !inbound) ? summaryOfUser(random.pick(users)) : null;
  const number = numbers.length > 0 ? summaryOfNumber(random.pick(numbers)) : null;
  const anonymous = inbound && random.chance(0.03);
  const external = phoneNumber(random);
  const contact =
    !anonymous && random.chance(0.5)
      ? generateContact(
          space.baseUrl,
          space.companyOrdinal,
          space.seed,
          random.int(0, CONTACT_POOL - 1),
          space.createdAt,
        )
      : null;
  const callTeams =
    inbound && teams.length > 0
      ? random.sample(teams, random.int(0, 1) + (random.chance(0.15) ? 1 : 0)).map(summaryOfTeam)
      : [];
  const agent = users.length > 0 ? random.pick(users) : null;
  const callTags =
    tags.length > 0
      ? random.sample(tags, random.chance(0.35) ? random.int(1, 2) : 0).map((tag) => ({
          id: tag.id,
          name: tag.name,
          // Live deliveries carry `{}` for a tagger Aircall does not name (docs/aircall-behaviour.md §2).
          tagged_by: agent && answered ? webhookUserOf(agent) : ({} as AircallUser),
          tagged_at: endedAt + random.int(1, 600),
        }))
      : [];
  const comments: AircallComment[] =
    random.chance(0.15) && agent
      ? [
          {
            id: id * 10 + 1,
            content: random.pick(COMMENTS),
            posted_at: endedAt + random.int(5, 3600),
            posted_by: authorOfComment(agent),
          },
        ]
      : [];
  const transferred = answered && users.length > 1 && random.chance(0.05);
  const recorded = answered && random.chance(0.7);
  // The draws the media paths once took, kept so that every later field of a seeded call is unchanged.
  if (recorded) uuid(random);
  if (voicemail) uuid(random);
  const participants: AircallParticipant[] = [
    { type: 'external', phone_number: anonymous ? 'anonymous' : external.digits.replace(/[^\d+]/g, '') },
    ...(user ? [{ id: user.id, name: user.name, type: 'user' }] : []),
    ...(contact
      ? [{ id: contact.id, name: `${contact.first_name} ${contact.last_name}`, type: 'contact' }]
      : []),
  ];
  const ivr = numbers.length > 0 && number?.is_ivr === true;
  return {
    answered_at: answeredAt,
    archived: random.chance(0.1),
    asset:
      answered || voicemail
        ? `https://assets.aircall.io/calls/${id}/${voicemail ? 'voicemail' : 'recording'}`
        : null,
    assigned_to: answered && inbound && random.chance(0.2) ? user : null,
    comments,
    contact,
    cost: `${random.int(0, 250)}.0`,
    country_code_a2: anonymous ? null : external.country,
    direct_link: `${space.baseUrl}/v1/calls/${id}`,
    direction: inbound ? 'inbound' : 'outbound',
    duration: endedAt - startedAt,
    ended_at: endedAt,
    id,
    missed_call_reason: missedReason,
    number,
    pricing_type: inbound ? null : 'in_bundle',
    raw_digits: anonymous ? 'anonymous' : external.digits,
    recording: recorded ? mediaKeyOf(space, id, 'recording') : null,
    recording_short_url: null,
    sid: `CA${random.hex(32)}`,
    started_at: startedAt,
    status: 'done',
    tags: callTags,
    teams: callTeams,
    transferred_by: transferred ? user : null,
    transferred_to: transferred ? summaryOfUser(random.pick(users)) : null,
    user,
    voicemail: voicemail ? mediaKeyOf(space, id, 'voicemail') : null,
    voicemail_short_url: null,
    participants,
    ...(ivr ? { ivr_options_selected: ivrPath(random, startedAt) } : {}),
  };
}

/** A path through a Smartflows IVR (`ivr_options_selected`: ISO timestamps, docs/aircall-behaviour.md §3). */
function ivrPath(random: SeededRandom, startedAt: number): unknown[] {
  const at = (s: number) => new Date(s * 1000).toISOString();
  const key = random.pick(['1', '2', '3', 'fallback']);
  return [
    {
      id: `ivr-${random.hex(8)}`,
      title: key === 'fallback' ? 'No choice' : `Option ${key}`,
      key,
      branch: key === 'fallback' ? 'fallback' : 'digit',
      created_at: at(startedAt + 2),
      transition_started_at: at(startedAt + 2),
      transition_ended_at: at(startedAt + 6),
    },
  ];
}

/** Keys only webhooks or the `fetch_*` flags add to a call: not part of a plain `GET /v1/calls` item. */
const REST_ONLY_ON_REQUEST = ['participants', 'ivr_options_selected'] as const;

export interface CallDetailsFlags {
  fetchContact: boolean;
  fetchShortUrls: boolean;
  fetchCallTimeline: boolean;
}

/**
 * A call as `GET /v1/calls` and `GET /v1/calls/:id` answer it (recorded body 01): `contact` only with
 * `fetch_contact` (else null), the short links only with `fetch_short_urls` (else null), the IVR path
 * only with `fetch_call_timeline`, never `participants` (the API calls them conference_participants,
 * and the live capture has neither).
 */
export function restCallView(call: AircallCall, flags: CallDetailsFlags): AircallCall {
  const view: AircallCall = { ...call };
  for (const key of REST_ONLY_ON_REQUEST) delete view[key];
  if (!flags.fetchContact) view.contact = null;
  if (!flags.fetchShortUrls) {
    view.recording_short_url = null;
    view.voicemail_short_url = null;
  }
  if (flags.fetchCallTimeline && call.ivr_options_selected)
    view.ivr_options_selected = call.ivr_options_selected;
  return view;
}

/**
 * A call as webhook events carry it: `call_uuid` for the API's `sid`, `participants`, `hangup_cause`,
 * the trimmed webhook user and number, and no key at all for an absent user or contact (real
 * deliveries; the reference's call.created sample sends `{}` instead: `emptyAbsent`).
 * docs/aircall-behaviour.md §2.
 */
export function webhookCallView(call: AircallCall, options: { emptyAbsent?: boolean } = {}): AircallCall {
  const {
    sid,
    pricing_type: _pricing,
    country_code_a2: _country,
    recording_short_url: _recordingShort,
    voicemail_short_url: _voicemailShort,
    ivr_options_selected: _ivr,
    ...rest
  } = call;
  const view: AircallCall = {
    ...rest,
    call_uuid: sid ?? call.call_uuid ?? null,
    hangup_cause: call.hangup_cause ?? null,
  };
  const user = (value: AircallCall['user']) => (value ? webhookUserOf(value) : value);
  for (const key of ['user', 'assigned_to', 'transferred_by', 'transferred_to'] as const) {
    if (view[key]) view[key] = user(view[key]);
  }
  if (view.number) view.number = webhookNumberOf(view.number);
  for (const key of ['user', 'contact', 'number'] as const) {
    if (view[key] === null || view[key] === undefined) {
      if (options.emptyAbsent) view[key] = {} as never;
      else delete view[key];
    }
  }
  return view;
}
