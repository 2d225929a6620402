import { registerEnumType } from '@nestjs/graphql';

export enum StatsGroupBy {
  DAY = 'DAY',
  /** ISO weeks, starting Monday 00:00 in the requested time zone. */
  WEEK = 'WEEK',
  USER = 'USER',
  TEAM = 'TEAM',
  NUMBER = 'NUMBER',
  TAG = 'TAG',
}

registerEnumType(StatsGroupBy, {
  name: 'StatsGroupBy',
  description:
    'DAY/WEEK use the timeZone argument (weeks start on Monday); a call in several teams or with several tags counts in each',
});
