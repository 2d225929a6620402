import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { ContactModel } from '../../directory/models/contact.model';
import { NumberModel } from '../../directory/models/number.model';
import { TeamModel } from '../../directory/models/team.model';
import { UserModel } from '../../directory/models/user.model';
import { CallCommentModel } from './call-comment.model';
import { CallDirection } from './call-direction';
import { CallOutcome } from './call-outcome';
import { CallParticipantModel } from './call-participant.model';
import { CallTagModel } from './call-tag.model';
import { IvrOptionModel } from './ivr-option.model';

/**
 * A call as stored from Aircall's Call object (https://developer.aircall.io/api-references/#call-overview),
 * field names Aircall's own in camelCase. Related rows (user, number, teams, tags…) are plain fields,
 * filled before the calls are returned by CallRelations — only those the query selects, through the
 * request's DataLoaders — so GraphQL reads them without a resolver call or a promise per call.
 */
@ObjectType('Call')
export class CallModel {
  @Field(() => ID, { description: "Aircall's call id" })
  id!: string;

  @Field(() => ID, { description: 'The Aircall company the call belongs to' })
  accountId!: string;

  @Field(() => String, { nullable: true })
  callUuid!: string | null;

  @Field(() => String, { nullable: true })
  directLink!: string | null;

  @Field(() => CallDirection, { nullable: true })
  direction!: CallDirection | null;

  @Field(() => String, { nullable: true, description: 'initial | answered | done' })
  status!: string | null;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  answeredAt!: Date | null;

  @Field(() => Date, { nullable: true })
  endedAt!: Date | null;

  @Field(() => Int, { nullable: true, description: 'Seconds, as Aircall reports it (started → ended)' })
  duration!: number | null;

  @Field(() => Boolean, { description: 'Inbound, done, and Aircall gave a missed_call_reason' })
  missed!: boolean;

  @Field(() => CallOutcome, {
    nullable: true,
    description:
      "How an inbound call ended, in Aircall Analytics' call types; null for outbound calls and calls not over yet",
  })
  outcome!: CallOutcome | null;

  @Field(() => String, { nullable: true })
  missedCallReason!: string | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds of conversation: ended − answered; null when never answered',
  })
  inCallDuration!: number | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Seconds before an answer: answered − started; null when never answered',
  })
  waitingDuration!: number | null;

  @Field(() => String, { nullable: true, description: 'The other party as Aircall formats it' })
  rawDigits!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'rawDigits as international digits only (what the phone filter compares)',
  })
  digits!: string | null;

  @Field(() => Boolean)
  archived!: boolean;

  @Field(() => Float, { nullable: true })
  cost!: number | null;

  @Field(() => String, { nullable: true, description: "Aircall's country_code_a2" })
  countryCode!: string | null;

  @Field(() => String, { nullable: true, description: "Aircall's `recording` (a signed, expiring URL)" })
  recordingUrl!: string | null;

  @Field(() => String, { nullable: true, description: "Aircall's `voicemail` (a signed, expiring URL)" })
  voicemailUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      "Aircall's `asset`: the stable link to the call's recording or voicemail page (opens after an Aircall login)",
  })
  asset!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "Aircall's `asset` (a stable URL to the recording or voicemail)",
    deprecationReason: 'Use `asset`.',
  })
  assetUrl!: string | null;

  @Field(() => [CallParticipantModel], {
    description: 'Who was on the call (Aircall sends them in webhook events; empty when unknown)',
  })
  participants!: CallParticipantModel[];

  @Field(() => [IvrOptionModel], {
    description: "The call's path through an IVR (Smartflows numbers, calls of the last two months)",
  })
  ivrOptionsSelected!: IvrOptionModel[];

  @Field(() => String, {
    nullable: true,
    description: 'Where an external transfer sent the call (`call.external_transferred`)',
  })
  externalTransferredTo!: string | null;

  @Field(() => String, { nullable: true, description: 'The caller of an externally transferred call' })
  externalCallerNumber!: string | null;

  @Field(() => String, { nullable: true })
  hangupCause!: string | null;

  @Field(() => String, { description: 'The newest event (or `api` sync) whose state this row holds' })
  lastEvent!: string;

  @Field(() => Date, { description: 'When this service last changed the row' })
  updatedAt!: Date;

  @Field(() => UserModel, {
    nullable: true,
    description: 'The user who took (inbound) or made (outbound) the call',
  })
  user?: UserModel | null;

  @Field(() => UserModel, { nullable: true })
  assignedTo?: UserModel | null;

  @Field(() => UserModel, { nullable: true })
  transferredBy?: UserModel | null;

  @Field(() => UserModel, { nullable: true })
  transferredTo?: UserModel | null;

  @Field(() => NumberModel, {
    nullable: true,
    description: 'The Aircall number (line) the call went through',
  })
  number?: NumberModel | null;

  @Field(() => ContactModel, { nullable: true })
  contact?: ContactModel | null;

  @Field(() => [TeamModel], { description: 'Teams the call rang' })
  teams?: TeamModel[];

  @Field(() => [CallTagModel])
  tags?: CallTagModel[];

  @Field(() => [CallCommentModel])
  comments?: CallCommentModel[];

  userId!: string | null;
  numberId!: string | null;
  assignedToId!: string | null;
  transferredById!: string | null;
  transferredToId!: string | null;
  contactId!: string | null;
}
