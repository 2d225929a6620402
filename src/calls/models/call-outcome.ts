import { registerEnumType } from '@nestjs/graphql';

/** `outcome` of an inbound call, as Aircall Analytics types it (see callOutcome in call-record.ts). */
export enum CallOutcome {
  ANSWERED = 'answered',
  MISSED = 'missed',
  ABANDONED = 'abandoned',
  OUT_OF_HOURS = 'out_of_hours',
  VOICEMAIL = 'voicemail',
}

registerEnumType(CallOutcome, {
  name: 'CallOutcome',
  description:
    "Aircall Analytics' call types of an inbound call: ANSWERED (an agent connected), OUT_OF_HOURS, VOICEMAIL (unanswered, a message was left), ABANDONED (the caller hung up before being connected), MISSED (no agent available or none answered, no message)",
});

const VALUES = new Set<string>(Object.values(CallOutcome));

export function toCallOutcome(value: unknown): CallOutcome | null {
  return typeof value === 'string' && VALUES.has(value) ? (value as CallOutcome) : null;
}
