import { Database, Row } from '../database/database';
import { fromUnix } from '../aircall/aircall-time';
import { CALL_COMMENTS, CALL_PAGE, CALL_TAGS } from './call-tables';
import { TAGS } from '../directory/directory-tables';
import { CallCommentModel } from './models/call-comment.model';
import { CallModel } from './models/call.model';
import { CallTagModel } from './models/call-tag.model';
import { toCallDirection } from './models/call-direction';
import { toCallOutcome } from './models/call-outcome';
import { CallParticipantModel } from './models/call-participant.model';
import { IvrOptionModel } from './models/ivr-option.model';

/** Row → GraphQL model for calls and their tags and comments, through the tables' definitions. */
export class CallRowMapper {
  constructor(private readonly db: Database) {}

  call(row: Row): CallModel {
    const { direction, outcome, participants, ivrOptions, ...columns } = CALL_PAGE.decode(this.db, row);
    return Object.assign(new CallModel(), columns, {
      direction: toCallDirection(direction),
      outcome: toCallOutcome(outcome),
      asset: columns.assetUrl,
      participants: objects(participants).map(participant),
      ivrOptionsSelected: objects(ivrOptions).map(ivrOption),
    });
  }

  tag(row: Row): CallTagModel {
    const link = TAG_LINK.decode(this.db, row);
    const tag = TAG_SHOWN.decode(this.db, row);
    return Object.assign(new CallTagModel(), {
      id: link.tagId,
      accountId: link.accountId,
      ...tag,
      taggedAt: link.taggedAt,
      taggedById: link.taggedById,
    });
  }

  comment(row: Row): CallCommentModel {
    const { callId: _callId, ...comment } = CALL_COMMENTS.decode(this.db, row);
    return Object.assign(new CallCommentModel(), comment);
  }
}

/** The link columns a call's tags read, and the tag's own columns shown with them. */
export const TAG_LINK = CALL_TAGS.pick(['accountId', 'callId', 'tagId', 'taggedById', 'taggedAt']);
export const TAG_SHOWN = TAGS.pick(['name', 'color', 'description']);

/** The objects of a JSON array column (anything else reads as none). */
function objects(list: unknown): Record<string, unknown>[] {
  return Array.isArray(list)
    ? list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    : [];
}

function ivrOption(option: Record<string, unknown>): IvrOptionModel {
  return Object.assign(new IvrOptionModel(), {
    id: scalar(option.id),
    title: scalar(option.title),
    key: scalar(option.key),
    branch: scalar(option.branch),
    createdAt: fromUnix(option.created_at),
    transitionStartedAt: fromUnix(option.transition_started_at),
    transitionEndedAt: fromUnix(option.transition_ended_at),
  });
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
