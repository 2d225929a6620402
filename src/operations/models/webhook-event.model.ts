import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { WebhookEventStatus } from './webhook-event-status';

/** One stored webhook delivery (the inbox), for inspecting and replaying what was or was not applied. */
@ObjectType('WebhookEvent')
export class WebhookEventModel {
  @Field(() => ID, { description: 'Fingerprint of the delivery (the same delivery twice is one event)' })
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { description: 'call, user, number, contact…' })
  resource!: string;

  @Field(() => String, { description: "Aircall's event name, e.g. call.ended" })
  event!: string;

  @Field(() => ID, { nullable: true, description: 'Id of the call, user… the event is about' })
  resourceId!: string | null;

  @Field(() => Date, { description: "Aircall's envelope timestamp" })
  occurredAt!: Date;

  @Field(() => WebhookEventStatus)
  status!: WebhookEventStatus;

  @Field(() => Int)
  attempts!: number;

  @Field(() => String, {
    nullable: true,
    description: 'Why the event was not applied (a database error is named, not detailed, to READER keys)',
  })
  lastError!: string | null;

  @Field(() => Date)
  nextAttemptAt!: Date;

  @Field(() => Date)
  receivedAt!: Date;

  @Field(() => Date, { nullable: true })
  appliedAt!: Date | null;
}
