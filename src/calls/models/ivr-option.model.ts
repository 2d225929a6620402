import { Field, ID, ObjectType } from '@nestjs/graphql';

/** One step of the call's path through an IVR (Aircall's `ivr_options_selected`, Smartflows numbers). */
@ObjectType('IvrOption')
export class IvrOptionModel {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => String, { nullable: true, description: 'The key pressed, or "fallback"' })
  key!: string | null;

  @Field(() => String, { nullable: true })
  branch!: string | null;

  @Field(() => Date, { nullable: true })
  createdAt!: Date | null;

  @Field(() => Date, { nullable: true })
  transitionStartedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  transitionEndedAt!: Date | null;
}
