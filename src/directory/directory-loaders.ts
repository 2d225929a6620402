import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { RequestLoaders } from '../graphql/request-loaders';
import { DirectoryQueryRepository } from './directory-query.repository';
import { ContactModel } from './models/contact.model';
import { NumberModel } from './models/number.model';
import { TagModel } from './models/tag.model';
import { TeamModel } from './models/team.model';
import { UserModel } from './models/user.model';

/**
 * The request's DataLoaders for directory rows, keyed by tenant key (`accountId:id`): every user,
 * number, contact… a page of calls mentions costs one statement per kind, whatever the page size.
 */
@Injectable()
export class DirectoryLoaders {
  constructor(private readonly directory: DirectoryQueryRepository) {}

  users(loaders: RequestLoaders): DataLoader<string, UserModel | null> {
    return loaders.get('directory.users', (keys: readonly string[]) => this.directory.usersByKeys(keys));
  }

  numbers(loaders: RequestLoaders): DataLoader<string, NumberModel | null> {
    return loaders.get('directory.numbers', (keys: readonly string[]) => this.directory.numbersByKeys(keys));
  }

  contacts(loaders: RequestLoaders): DataLoader<string, ContactModel | null> {
    return loaders.get('directory.contacts', (keys: readonly string[]) =>
      this.directory.contactsByKeys(keys),
    );
  }

  teams(loaders: RequestLoaders): DataLoader<string, TeamModel | null> {
    return loaders.get('directory.teams', (keys: readonly string[]) => this.directory.teamsByKeys(keys));
  }

  tags(loaders: RequestLoaders): DataLoader<string, TagModel | null> {
    return loaders.get('directory.tags', (keys: readonly string[]) => this.directory.tagsByKeys(keys));
  }

  teamMembers(loaders: RequestLoaders): DataLoader<string, UserModel[]> {
    return loaders.get('directory.teamMembers', (keys: readonly string[]) =>
      this.directory.membersByTeamKeys(keys),
    );
  }
}
