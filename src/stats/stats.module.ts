import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module';
import { CallStatsRepository } from './call-stats.repository';
import { CallStatsResolver } from './call-stats.resolver';
import { CallStatsService } from './call-stats.service';

/** callStats: call counts and durations grouped by day, week, user, team, number or tag. */
@Module({
  imports: [DirectoryModule],
  providers: [CallStatsRepository, CallStatsService, CallStatsResolver],
})
export class StatsModule {}
