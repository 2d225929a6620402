import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('RecordingArchive', {
  description: 'The archive of recordings and voicemails (RECORDINGS=archive)',
})
export class RecordingArchiveModel {
  @Field(() => String, { description: 'off | links | archive (RECORDINGS)' })
  mode!: string;

  @Field(() => String, { description: 'local | s3 (RECORDINGS_STORAGE)' })
  storage!: string;

  @Field(() => Boolean, { description: "Whether this account's files are archived (setRecordingArchiving)" })
  enabled!: boolean;

  @Field(() => Int)
  pending!: number;

  @Field(() => Int)
  archived!: number;

  @Field(() => Int)
  failed!: number;

  @Field(() => Int)
  expired!: number;

  @Field(() => Int)
  deleted!: number;

  @Field(() => Float, { description: 'Bytes of the archived files' })
  bytesStored!: number;
}
