import { Field, ID, ObjectType } from '@nestjs/graphql';

/** One phone number or email of a contact. */
@ObjectType('ContactDetail')
export class ContactDetailModel {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String)
  value!: string;
}

@ObjectType('Contact')
export class ContactModel {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  accountId!: string;

  @Field(() => String, { nullable: true })
  firstName!: string | null;

  @Field(() => String, { nullable: true })
  lastName!: string | null;

  @Field(() => String, { nullable: true })
  companyName!: string | null;

  @Field(() => String, { nullable: true })
  description!: string | null;

  @Field(() => String, { nullable: true })
  information!: string | null;

  @Field(() => Boolean, { nullable: true })
  isShared!: boolean | null;

  @Field(() => [ContactDetailModel])
  phoneNumbers!: ContactDetailModel[];

  @Field(() => [ContactDetailModel])
  emails!: ContactDetailModel[];

  @Field(() => Date, { nullable: true, description: "Aircall's created_at" })
  createdAt!: Date | null;

  @Field(() => Date, { nullable: true, description: "Aircall's updated_at" })
  updatedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  deletedAt!: Date | null;
}
