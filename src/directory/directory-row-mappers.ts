import { Database, Row } from '../database/database';
import { DIRECTORY_READS } from './directory-tables';
import { ContactDetailModel, ContactModel } from './models/contact.model';
import { NumberModel } from './models/number.model';
import { TagModel } from './models/tag.model';
import { TeamModel } from './models/team.model';
import { UserModel } from './models/user.model';

export type DirectoryReadTable = keyof typeof DIRECTORY_READS;

/** Row → GraphQL model for each directory table, decoded through the table's definition. */
export class DirectoryRowMappers {
  constructor(private readonly db: Database) {}

  user(row: Row): UserModel {
    const { aircallCreatedAt, ...user } = DIRECTORY_READS.users.decode(this.db, row);
    return Object.assign(new UserModel(), user, { createdAt: aircallCreatedAt });
  }

  number(row: Row): NumberModel {
    const { aircallCreatedAt, ...number } = DIRECTORY_READS.numbers.decode(this.db, row);
    return Object.assign(new NumberModel(), number, { createdAt: aircallCreatedAt });
  }

  team(row: Row): TeamModel {
    const { aircallCreatedAt, ...team } = DIRECTORY_READS.teams.decode(this.db, row);
    return Object.assign(new TeamModel(), team, { createdAt: aircallCreatedAt });
  }

  tag(row: Row): TagModel {
    return Object.assign(new TagModel(), DIRECTORY_READS.tags.decode(this.db, row));
  }

  contact(row: Row): ContactModel {
    const { aircallCreatedAt, aircallUpdatedAt, phoneNumbers, emails, ...contact } =
      DIRECTORY_READS.contacts.decode(this.db, row);
    return Object.assign(new ContactModel(), contact, {
      phoneNumbers: details(phoneNumbers),
      emails: details(emails),
      createdAt: aircallCreatedAt,
      updatedAt: aircallUpdatedAt,
    });
  }
}

/** A contact's phone numbers or emails (a JSON list of `{id, label, value}`), those with a value. */
function details(list: unknown): ContactDetailModel[] {
  if (!Array.isArray(list)) return [];
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return list
    .filter(
      (d): d is { id?: unknown; label?: unknown; value: unknown } =>
        typeof d === 'object' &&
        d !== null &&
        (d as { value?: unknown }).value !== undefined &&
        (d as { value?: unknown }).value !== null,
    )
    .map((d) =>
      Object.assign(new ContactDetailModel(), {
        id: text(d.id),
        label: text(d.label),
        value: String(d.value),
      }),
    );
}
