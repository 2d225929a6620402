import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum MediaStatusValue {
  PENDING = 'PENDING',
  ARCHIVED = 'ARCHIVED',
  FAILED = 'FAILED',
  EXPIRED = 'EXPIRED',
  DELETED = 'DELETED',
}

registerEnumType(MediaStatusValue, {
  name: 'MediaStatus',
  description: 'Where an archived recording or voicemail stands (RECORDINGS=archive)',
  valuesMap: {
    PENDING: {
      description:
        'Not archived yet: waiting for its download (or for archiving to be switched on for the account)',
    },
    ARCHIVED: { description: 'Stored, with its size and SHA-256' },
    FAILED: {
      description:
        'Given up after RECORDINGS_MAX_ATTEMPTS, or refused (foreign host, too large); see `lastError`',
    },
    EXPIRED: {
      description:
        'Its link expired and Aircall gave no fresh one (credentials revoked); a new event revives it',
    },
    DELETED: { description: 'Deleted here: by the retention rule, or because it was deleted at Aircall' },
  },
});

@ObjectType('CallMedia', { description: "A call's recording or voicemail, archived or as Aircall's link" })
export class CallMediaModel {
  @Field(() => MediaStatusValue, {
    nullable: true,
    description: 'Null when the service does not archive (RECORDINGS=off or links)',
  })
  status!: MediaStatusValue | null;

  @Field(() => Float, { nullable: true })
  sizeBytes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Read from the MP3 itself; null when unknown' })
  durationSeconds!: number | null;

  @Field(() => String, { nullable: true })
  contentType!: string | null;

  @Field(() => String, { nullable: true, description: 'SHA-256 of the archived file, hex' })
  sha256!: string | null;

  @Field(() => Date, { nullable: true })
  archivedAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description:
      "A link that plays the file now: this service's signed link to the archived file, else a fresh Aircall link. Null when none can be had (deleted, or this request's Aircall re-reads are used up: ask for the call alone)",
  })
  url!: string | null;

  @Field(() => Date, { nullable: true, description: 'When `url` stops working' })
  urlExpiresAt!: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Why the last download failed, or why the file was deleted',
  })
  lastError!: string | null;
}
