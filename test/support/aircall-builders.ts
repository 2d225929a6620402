import { createHash } from 'node:crypto';
import type {
  AircallCall,
  AircallContact,
  AircallNumber,
  AircallTag,
  AircallTeam,
  AircallUser,
  AircallWebhookEnvelope,
} from '../../src/aircall/aircall-types';

/**
 * Builders for realistic Aircall payloads, shaped like the Call/User/Number/Contact objects of
 * Aircall's API reference (docs/aircall-behaviour.md §3–4). Tests describe what differs
 * (`aCall().inbound().answeredAfter(12).endedAfter(95).tagged(vip)`) instead of repeating literals.
 */
let sequence = 0;
const nextId = (base: number) => base + ++sequence;

export function aUser(overrides: Partial<AircallUser> = {}): AircallUser {
  const id = overrides.id ?? nextId(900_000);
  return {
    id,
    direct_link: `https://api.aircall.io/v1/users/${id}`,
    name: `Agent ${id}`,
    email: `agent${id}@example.com`,
    available: true,
    availability_status: 'available',
    created_at: '2024-01-02T10:00:00.000Z',
    time_zone: 'Europe/Paris',
    language: 'fr-FR',
    wrap_up_time: 0,
    ...overrides,
  };
}

export function aNumber(overrides: Partial<AircallNumber> = {}): AircallNumber {
  const id = overrides.id ?? nextId(500_000);
  return {
    id,
    direct_link: `https://api.aircall.io/v1/numbers/${id}`,
    name: `Line ${id}`,
    digits: '+33 1 76 36 00 00',
    country: 'FR',
    time_zone: 'Europe/Paris',
    open: true,
    availability_status: 'open',
    is_ivr: false,
    live_recording_activated: true,
    priority: null,
    created_at: '2024-01-01T09:00:00.000Z',
    ...overrides,
  };
}

export function aTeam(overrides: Partial<AircallTeam> = {}): AircallTeam {
  const id = overrides.id ?? nextId(70_000);
  return {
    id,
    direct_link: `https://api.aircall.io/v1/teams/${id}`,
    name: `Team ${id}`,
    created_at: '2024-01-01T09:00:00.000Z',
    ...overrides,
  };
}

export function aTag(overrides: Partial<AircallTag> = {}): AircallTag {
  const id = overrides.id ?? nextId(30_000);
  return {
    id,
    direct_link: `https://api.aircall.io/v1/tags/${id}`,
    name: `tag-${id}`,
    color: '#00B388',
    description: null,
    ...overrides,
  };
}

export function aContact(overrides: Partial<AircallContact> = {}): AircallContact {
  const id = overrides.id ?? nextId(8_000_000);
  return {
    id,
    direct_link: `https://api.aircall.io/v1/contacts/${id}`,
    first_name: 'Ada',
    last_name: `Lovelace ${id}`,
    company_name: 'Analytical Engines Ltd',
    information: null,
    is_shared: true,
    phone_numbers: [{ id: id * 10, label: 'Work', value: '+33123456789' }],
    emails: [{ id: id * 10 + 1, label: 'Work', value: `ada${id}@example.com` }],
    created_at: 1704100000,
    updated_at: 1704100000,
    ...overrides,
  };
}

/** A fluent builder of one call's full Call object as it evolves through its lifecycle. */
export class CallBuilder {
  private readonly call: AircallCall;

  constructor(overrides: Partial<AircallCall> = {}) {
    const id = overrides.id ?? nextId(1_900_000_000);
    const startedAt = overrides.started_at ?? 1_717_236_000;
    this.call = {
      id,
      call_uuid: `CA${createHash('md5').update(String(id)).digest('hex')}`,
      direct_link: `https://api.aircall.io/v1/calls/${id}`,
      direction: 'inbound',
      status: 'initial',
      missed_call_reason: null,
      started_at: startedAt,
      answered_at: null,
      ended_at: null,
      duration: 0,
      raw_digits: '+33 6 12 34 56 78',
      voicemail: null,
      recording: null,
      asset: null,
      archived: false,
      cost: '0',
      country_code_a2: 'FR',
      user: null,
      number: aNumber(),
      assigned_to: null,
      transferred_by: null,
      transferred_to: null,
      contact: null,
      teams: [],
      tags: [],
      comments: [],
      participants: [{ type: 'external', phone_number: '+33612345678' }],
      ...overrides,
    };
  }

  get id(): number {
    return this.call.id;
  }

  inbound(): this {
    this.call.direction = 'inbound';
    return this;
  }
  outbound(): this {
    this.call.direction = 'outbound';
    return this;
  }
  from(digits: string): this {
    this.call.raw_digits = digits;
    return this;
  }
  on(number: AircallNumber): this {
    this.call.number = number;
    return this;
  }
  ringingOn(team: AircallTeam): this {
    this.call.teams = [...(this.call.teams ?? []), team];
    return this;
  }
  withContact(contact: AircallContact): this {
    this.call.contact = contact;
    return this;
  }
  answeredBy(user: AircallUser, afterSeconds = 10): this {
    this.call.user = user;
    this.call.status = 'answered';
    this.call.answered_at = this.call.started_at! + afterSeconds;
    this.call.participants = [
      ...(this.call.participants ?? []),
      { id: user.id, type: 'user', name: user.name },
    ];
    return this;
  }
  endedAfter(seconds: number): this {
    this.call.status = 'done';
    this.call.ended_at = this.call.started_at! + seconds;
    this.call.duration = seconds;
    if (this.call.answered_at) {
      this.call.recording = `https://aircall-recordings.example/${this.call.id}.mp3?sig=abc`;
      this.call.asset = `https://assets.aircall.io/calls/${this.call.id}/recording`;
    }
    return this;
  }
  /** Aircall: a missed call ends `done` with a missed_call_reason and no answered_at. */
  missed(reason = 'agents_did_not_answer', afterSeconds = 30): this {
    this.call.status = 'done';
    this.call.answered_at = null;
    this.call.missed_call_reason = reason;
    this.call.ended_at = this.call.started_at! + afterSeconds;
    this.call.duration = afterSeconds;
    return this;
  }
  voicemail(): this {
    this.call.voicemail = `https://aircall-voicemails.example/${this.call.id}.mp3?sig=def`;
    this.call.asset = `https://assets.aircall.io/calls/${this.call.id}/voicemail`;
    return this;
  }
  transferred(by: AircallUser, to: AircallUser): this {
    this.call.transferred_by = by;
    this.call.transferred_to = to;
    this.call.user = to;
    return this;
  }
  assignedTo(user: AircallUser): this {
    this.call.assigned_to = user;
    return this;
  }
  archived(value = true): this {
    this.call.archived = value;
    return this;
  }
  tagged(tag: AircallTag, by?: AircallUser, at?: number): this {
    this.call.tags = [...(this.call.tags ?? []), { ...tag, tagged_by: by ?? null, tagged_at: at ?? null }];
    return this;
  }
  untagged(tagId: number): this {
    this.call.tags = (this.call.tags ?? []).filter((t) => t.id !== tagId);
    return this;
  }
  commented(content: string, by: AircallUser | null, at?: number): this {
    const comments = this.call.comments ?? [];
    this.call.comments = [
      ...comments,
      {
        id: this.call.id * 100 + comments.length + 1,
        content,
        posted_by: by,
        posted_at: at ?? this.call.ended_at ?? this.call.started_at,
      },
    ];
    return this;
  }
  with(overrides: Partial<AircallCall>): this {
    Object.assign(this.call, overrides);
    return this;
  }
  /** A deep copy: later builder steps never change a payload already built. */
  build(): AircallCall {
    return structuredClone(this.call);
  }
}

export const aCall = (overrides: Partial<AircallCall> = {}) => new CallBuilder(overrides);

export function envelope<T>(
  event: string,
  data: T,
  timestamp: number,
  token: string,
): AircallWebhookEnvelope<T> {
  return { resource: event.split('.')[0], event, timestamp, token, data };
}

export interface TimedEvent {
  event: string;
  timestamp: number;
  data: AircallCall;
}

/**
 * The webhook history Aircall sends for one inbound call that rings, is answered by `agent`,
 * transferred, ends, then is tagged, commented, assigned and archived — every call event the service
 * applies, each with the full Call object as it stood at that moment.
 */
export function answeredCallHistory(
  opts: {
    agent?: AircallUser;
    colleague?: AircallUser;
    team?: AircallTeam;
    tag?: AircallTag;
    start?: number;
  } = {},
): TimedEvent[] {
  const agent = opts.agent ?? aUser();
  const colleague = opts.colleague ?? aUser();
  const team = opts.team ?? aTeam();
  const tag = opts.tag ?? aTag();
  const start = opts.start ?? 1_717_236_000;
  const b = aCall({ started_at: start }).inbound().ringingOn(team).withContact(aContact());
  const events: TimedEvent[] = [];
  const at = (event: string, offset: number) =>
    events.push({ event, timestamp: start + offset, data: b.build() });
  at('call.created', 0);
  b.with({ user: agent });
  at('call.ringing_on_agent', 1);
  at('call.agent_declined', 4);
  at('call.ringing_on_agent', 5);
  b.answeredBy(agent, 8);
  at('call.answered', 8);
  b.transferred(agent, colleague);
  at('call.transferred', 40);
  b.endedAfter(125);
  at('call.hungup', 125);
  at('call.ended', 155);
  b.tagged(tag, colleague, start + 170);
  at('call.tagged', 170);
  b.commented('Customer wants a callback', colleague, start + 180);
  at('call.commented', 180);
  b.assignedTo(colleague);
  at('call.assigned', 200);
  b.untagged(tag.id).tagged(aTag({ id: tag.id + 1, name: 'resolved' }), colleague, start + 230);
  at('call.untagged', 230);
  at('call.tagged', 231);
  b.archived();
  at('call.archived', 300);
  return events;
}

/** A missed inbound call that ends in a voicemail. */
export function missedCallHistory(opts: { start?: number; reason?: string } = {}): TimedEvent[] {
  const start = opts.start ?? 1_717_240_000;
  const b = aCall({ started_at: start }).inbound().ringingOn(aTeam());
  const events: TimedEvent[] = [];
  const at = (event: string, offset: number) =>
    events.push({ event, timestamp: start + offset, data: b.build() });
  at('call.created', 0);
  at('call.ringing_on_agent', 1);
  at('call.unsuccessful_transfer', 30);
  b.missed(opts.reason ?? 'agents_did_not_answer', 45);
  at('call.hungup', 45);
  b.voicemail();
  at('call.voicemail_left', 46);
  at('call.ended', 75);
  return events;
}
