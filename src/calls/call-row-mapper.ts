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
    // Decoded onto the model itself: a page maps 50 of these per request (docs/benchmarks.md).
    const call: CallModel = CALL_SCALARS.decodeInto(this.db, row, new CallModel());
    const { direction, outcome, participants, ivrOptions } = CALL_DOCUMENTS.decode(this.db, row);
    call.direction = toCallDirection(direction);
    call.outcome = toCallOutcome(outcome);
    call.asset = call.assetUrl;
    call.participants = objects(participants).map(participant);
    call.ivrOptionsSelected = objects(ivrOptions).map(ivrOption);
    return call;
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

/** A call page's columns the model takes as they are, and the ones it reads as enums and lists. */
const CALL_DOCUMENTS = CALL_PAGE.pick(['direction', 'outcome', 'participants', 'ivrOptions']);
const CALL_SCALARS = CALL_PAGE.omit(['direction', 'outcome', 'participants', 'ivrOptions']);

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
