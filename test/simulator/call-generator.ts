import { AircallCall, AircallComment, AircallUser } from '../../src/aircall/aircall-types';
import {
  generateContact,
  phoneNumber,
  SimulatedDirectory,
  summaryOfNumber,
  summaryOfTeam,
  summaryOfUser,
} from './directory-generator';
import { hash32, SeededRandom } from './seeded-random';

/** Aircall's documented reasons (docs/aircall-behaviour.md §3). */
export const MISSED_CALL_REASONS = [
  'out_of_opening_hours',
  'short_abandoned',
  'abandoned_in_ivr',
  'abandoned_in_classic',
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

function uuid(random: SeededRandom): string {
  const h = random.hex(32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Call `index` of the company, a full Call object as the API returns it (docs/aircall-behaviour.md §3). */
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
  const callTags =
    tags.length > 0
      ? random
          .sample(tags, random.chance(0.35) ? random.int(1, 2) : 0)
          .map((tag) => ({ id: tag.id, name: tag.name, color: tag.color }))
      : [];
  const comments: AircallComment[] = random.chance(0.15)
    ? [
        {
          id: id * 10 + 1,
          content: random.pick(COMMENTS),
          posted_at: endedAt + random.int(5, 3600),
          posted_by: user,
        },
      ]
    : [];
  const transferred = answered && users.length > 1 && random.chance(0.05);
  const sid = `CA${random.hex(32)}`;
  return {
    id,
    sid,
    call_uuid: sid,
    direct_link: `${space.baseUrl}/v1/calls/${id}`,
    direction: inbound ? 'inbound' : 'outbound',
    status: 'done',
    missed_call_reason: missedReason,
    hangup_cause: null,
    started_at: startedAt,
    answered_at: answeredAt,
    ended_at: endedAt,
    duration: endedAt - startedAt,
    raw_digits: anonymous ? 'anonymous' : external.digits,
    voicemail: voicemail ? `https://media.simulator.invalid/voicemails/${uuid(random)}.mp3` : null,
    recording:
      answered && random.chance(0.7)
        ? `https://media.simulator.invalid/recordings/${uuid(random)}.mp3`
        : null,
    asset: answered || voicemail ? `https://assets.simulator.invalid/calls/${id}/recording/info` : null,
    archived: random.chance(0.1),
    cost: String(random.int(0, 250)),
    country_code_a2: anonymous ? null : external.country,
    user,
    number,
    assigned_to: answered && inbound && random.chance(0.2) ? user : null,
    transferred_by: transferred ? user : null,
    transferred_to: transferred ? summaryOfUser(random.pick(users)) : null,
    contact,
    teams: callTeams,
    tags: callTags,
    comments,
    conference_participants: [],
  };
}
