/**
 * Aircall Public API objects as Aircall documents them (https://developer.aircall.io/api-references/).
 * Ids are JSON numbers: Call ids are Int64 but stay far below 2^53, so JSON.parse keeps them exact;
 * the database stores them as BIGINT and GraphQL exposes them as ID strings.
 * See docs/aircall-behaviour.md for the sources of each fact.
 */
export type AircallId = number;
/** Unix seconds, UTC. */
export type UnixSeconds = number;

export interface AircallUser {
  id: AircallId;
  direct_link?: string;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  email?: string | null;
  available?: boolean | null;
  availability_status?: string | null;
  substatus?: string | null;
  created_at?: string | UnixSeconds | null;
  time_zone?: string | null;
  language?: string | null;
  wrap_up_time?: number | null;
  numbers?: AircallNumber[];
  [extra: string]: unknown;
}

export interface AircallNumber {
  id: AircallId;
  direct_link?: string;
  name?: string | null;
  digits?: string | null;
  e164_digits?: string | null;
  country?: string | null;
  time_zone?: string | null;
  open?: boolean | null;
  availability_status?: string | null;
  is_ivr?: boolean | null;
  live_recording_activated?: boolean | null;
  priority?: number | null;
  created_at?: string | UnixSeconds | null;
  users?: AircallUser[];
  [extra: string]: unknown;
}

export interface AircallTeam {
  id: AircallId;
  direct_link?: string;
  name?: string | null;
  created_at?: string | UnixSeconds | null;
  users?: AircallUser[];
  [extra: string]: unknown;
}

export interface AircallTag {
  id: AircallId;
  direct_link?: string;
  name?: string | null;
  color?: string | null;
  description?: string | null;
  /** Present on a call's tags in recent payloads; not guaranteed by the reference. */
  tagged_by?: AircallUser | null;
  tagged_at?: string | UnixSeconds | null;
  [extra: string]: unknown;
}

export interface AircallContactDetail {
  id?: AircallId;
  label?: string | null;
  value: string;
}

export interface AircallContact {
  id: AircallId;
  direct_link?: string;
  first_name?: string | null;
  last_name?: string | null;
  company_name?: string | null;
  description?: string | null;
  information?: string | null;
  is_shared?: boolean | null;
  phone_numbers?: AircallContactDetail[];
  emails?: AircallContactDetail[];
  created_at?: string | UnixSeconds | null;
  updated_at?: string | UnixSeconds | null;
  [extra: string]: unknown;
}

export interface AircallComment {
  id: AircallId;
  content?: string | null;
  posted_at?: UnixSeconds | string | null;
  /** null when the comment was posted through the API. */
  posted_by?: AircallUser | null;
}

export interface AircallParticipant {
  id?: AircallId | string;
  type?: 'user' | 'contact' | 'external' | string;
  name?: string | null;
  phone_number?: string | null;
}

export type CallDirection = 'inbound' | 'outbound';
/** Aircall: "Can be initial, answered or done". */
export type CallStatus = 'initial' | 'answered' | 'done';

export interface AircallCall {
  id: AircallId;
  sid?: string | null;
  call_uuid?: string | null;
  direct_link?: string | null;
  direction?: CallDirection | string | null;
  status?: CallStatus | string | null;
  missed_call_reason?: string | null;
  hangup_cause?: string | null;
  started_at?: UnixSeconds | null;
  answered_at?: UnixSeconds | null;
  ended_at?: UnixSeconds | null;
  duration?: number | null;
  raw_digits?: string | null;
  voicemail?: string | null;
  recording?: string | null;
  asset?: string | null;
  archived?: boolean | null;
  cost?: string | number | null;
  country_code_a2?: string | null;
  user?: AircallUser | null;
  number?: AircallNumber | null;
  assigned_to?: AircallUser | null;
  transferred_by?: AircallUser | null;
  transferred_to?: AircallUser | null;
  contact?: AircallContact | null;
  teams?: AircallTeam[] | null;
  tags?: AircallTag[] | null;
  comments?: AircallComment[] | null;
  /** Only in `call.external_transferred`: where the call went, and who called. */
  external_transferred_to?: string | null;
  external_caller_number?: string | null;
  recording_short_url?: string | null;
  voicemail_short_url?: string | null;
  participants?: AircallParticipant[] | null;
  conference_participants?: AircallParticipant[] | null;
  ivr_options_selected?: unknown[] | null;
  [extra: string]: unknown;
}

/** Aircall's pagination block on every list endpoint. */
export interface AircallPageMeta {
  count: number;
  total: number;
  current_page: number;
  per_page: number;
  next_page_link: string | null;
  previous_page_link: string | null;
}

export interface AircallWebhook {
  webhook_id: string;
  direct_link?: string;
  created_at?: string;
  url: string;
  active: boolean;
  events: string[];
  custom_name?: string | null;
  /** Returned by every read of a webhook, lists included (recorded body 10). */
  token?: string;
}

export interface AircallIntegration {
  name?: string;
  custom_name?: string | null;
  company_id: AircallId;
  company_name?: string | null;
  status?: string;
  active?: boolean;
  /** The numbers the installing admin shared with the app (OAuth installs may filter them). */
  number_ids?: AircallId[];
  numbers_count?: number;
  user?: { id: AircallId; email?: string; name?: string } | null;
  [extra: string]: unknown;
}

export interface AircallCompany {
  id?: AircallId;
  name?: string;
  users_count?: number;
  numbers_count?: number;
  [extra: string]: unknown;
}

/** The webhook delivery envelope (REF "Webhooks > Events"). */
export interface AircallWebhookEnvelope<T = unknown> {
  resource: string;
  event: string;
  /** Unix seconds when Aircall built the payload. */
  timestamp: UnixSeconds;
  token: string;
  data: T;
}
