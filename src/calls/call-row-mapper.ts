import { Database, Row } from '../database/database';
import { CALL_TYPED_COLUMNS } from './call-record';
import { CallCommentModel } from './models/call-comment.model';
import { CallModel } from './models/call.model';
import { CallTagModel } from './models/call-tag.model';
import { toCallDirection } from './models/call-direction';

/** Columns a Call page reads: every typed column, never the `payload` document (kept for re-derivation). */
export const CALL_READ_COLUMNS = [...CALL_TYPED_COLUMNS, 'last_event', 'updated_at'] as const;

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
      assetUrl: str(row.asset_url),
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
