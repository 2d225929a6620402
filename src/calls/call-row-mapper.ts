import { Database, Row } from '../database/database';
import { fromUnix } from '../aircall/aircall-time';
import { CALL_TYPED_COLUMNS } from './call-record';
import { CallCommentModel } from './models/call-comment.model';
import { CallModel } from './models/call.model';
import { CallTagModel } from './models/call-tag.model';
import { toCallDirection } from './models/call-direction';
import { toCallOutcome } from './models/call-outcome';
import { CallParticipantModel } from './models/call-participant.model';
import { IvrOptionModel } from './models/ivr-option.model';

/** Columns a Call page reads: every typed column, never the `payload` document (kept for re-derivation). */
export const CALL_READ_COLUMNS = [
  ...CALL_TYPED_COLUMNS,
  'participants',
  'ivr_options',
  'last_event',
  'updated_at',
] as const;

const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const int = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

export class CallRowMapper {
  constructor(private readonly db: Database) {}

  call(row: Row): CallModel {
    return Object.assign(new CallModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      callUuid: str(row.call_uuid),
      directLink: str(row.direct_link),
      direction: toCallDirection(row.direction),
      status: str(row.status),
      startedAt: this.db.parseDate(row.started_at),
      answeredAt: this.db.parseDate(row.answered_at),
      endedAt: this.db.parseDate(row.ended_at),
      duration: int(row.duration),
      missed: this.db.parseBool(row.missed) ?? false,
      outcome: toCallOutcome(row.outcome),
      missedCallReason: str(row.missed_call_reason),
      inCallDuration: int(row.in_call_duration),
      waitingDuration: int(row.waiting_duration),
      rawDigits: str(row.raw_digits),
      digits: str(row.digits),
      archived: this.db.parseBool(row.archived) ?? false,
      cost: int(row.cost),
      countryCode: str(row.country_code),
      recordingUrl: str(row.recording_url),
      voicemailUrl: str(row.voicemail_url),
      asset: str(row.asset_url),
      assetUrl: str(row.asset_url),
      participants: this.objects(row.participants).map(participant),
      ivrOptionsSelected: this.objects(row.ivr_options).map((option) => this.ivrOption(option)),
      externalTransferredTo: str(row.external_transferred_to),
      externalCallerNumber: str(row.external_caller_number),
      hangupCause: str(row.hangup_cause),
      lastEvent: String(row.last_event),
      updatedAt: this.db.parseDate(row.updated_at) ?? new Date(0),
      userId: str(row.user_id),
      numberId: str(row.number_id),
      assignedToId: str(row.assigned_to_id),
      transferredById: str(row.transferred_by_id),
      transferredToId: str(row.transferred_to_id),
      contactId: str(row.contact_id),
    });
  }

  /** The objects of a JSON array column (anything else reads as none). */
  private objects(value: unknown): Record<string, unknown>[] {
    const list = this.db.parseJson<unknown>(value);
    return Array.isArray(list)
      ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
      : [];
  }

  private ivrOption(option: Record<string, unknown>): IvrOptionModel {
    const time = (value: unknown) => fromUnix(value);
    return Object.assign(new IvrOptionModel(), {
      id: scalar(option.id),
      title: scalar(option.title),
      key: scalar(option.key),
      branch: scalar(option.branch),
      createdAt: time(option.created_at),
      transitionStartedAt: time(option.transition_started_at),
      transitionEndedAt: time(option.transition_ended_at),
    });
  }

  tag(row: Row): CallTagModel {
    return Object.assign(new CallTagModel(), {
      id: String(row.tag_id),
      accountId: String(row.account_id),
      name: str(row.name),
      color: str(row.color),
      description: str(row.description),
      taggedAt: this.db.parseDate(row.tagged_at),
      taggedById: str(row.tagged_by_id),
    });
  }

  comment(row: Row): CallCommentModel {
    return Object.assign(new CallCommentModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      content: str(row.content),
      postedAt: this.db.parseDate(row.posted_at),
      postedById: str(row.posted_by_id),
    });
  }
}

/** A string or number from a JSON document as text; anything else (objects, booleans) as null. */
function scalar(value: unknown): string | null {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : null;
}

function participant(item: Record<string, unknown>): CallParticipantModel {
  return Object.assign(new CallParticipantModel(), {
    type: scalar(item.type),
    id: scalar(item.id),
    name: scalar(item.name),
    phoneNumber: scalar(item.phone_number),
  });
}
