import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { RequestLoaders } from '../graphql/request-loaders';
import { CallQueryRepository } from './call-query.repository';
import { CallCommentModel } from './models/call-comment.model';
import { CallTagModel } from './models/call-tag.model';

/** Per-request loaders of a call's link rows, keyed by the call's tenant key (`accountId:callId`). */
@Injectable()
export class CallLoaders {
  constructor(private readonly calls: CallQueryRepository) {}

  teamIds(loaders: RequestLoaders): DataLoader<string, string[]> {
    return loaders.get('calls.teamIds', (keys: readonly string[]) => this.calls.teamIdsByCallKeys(keys));
  }

  tags(loaders: RequestLoaders): DataLoader<string, CallTagModel[]> {
    return loaders.get('calls.tags', (keys: readonly string[]) => this.calls.tagsByCallKeys(keys));
  }

  comments(loaders: RequestLoaders): DataLoader<string, CallCommentModel[]> {
    return loaders.get('calls.comments', (keys: readonly string[]) => this.calls.commentsByCallKeys(keys));
  }
}
