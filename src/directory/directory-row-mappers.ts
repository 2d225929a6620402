import { Database, Row } from '../database/database';
import { ContactDetailModel, ContactModel } from './models/contact.model';
import { NumberModel } from './models/number.model';
import { TagModel } from './models/tag.model';
import { TeamModel } from './models/team.model';
import { UserModel } from './models/user.model';

/** Columns read for each directory table (never `payload`: the typed columns hold what GraphQL shows). */
export const DIRECTORY_READ_COLUMNS = {
  users:
    'account_id, id, name, email, available, availability_status, substatus, time_zone, language, wrap_up_time, aircall_created_at, deleted_at',
  numbers:
    'account_id, id, name, digits, e164_digits, country, time_zone, open, availability_status, is_ivr, live_recording_activated, priority, aircall_created_at, deleted_at',
  teams: 'account_id, id, name, aircall_created_at, deleted_at',
  tags: 'account_id, id, name, color, description, deleted_at',
  contacts:
    'account_id, id, first_name, last_name, company_name, description, information, is_shared, phone_numbers, emails, aircall_created_at, aircall_updated_at, deleted_at',
} as const;

export type DirectoryReadTable = keyof typeof DIRECTORY_READ_COLUMNS;

const str = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const int = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** Row → GraphQL model for each directory table, decoding dates and booleans of either engine. */
export class DirectoryRowMappers {
  constructor(private readonly db: Database) {}

  user(row: Row): UserModel {
    return Object.assign(new UserModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      name: str(row.name),
      email: str(row.email),
      available: this.db.parseBool(row.available),
      availabilityStatus: str(row.availability_status),
      substatus: str(row.substatus),
      timeZone: str(row.time_zone),
      language: str(row.language),
      wrapUpTime: int(row.wrap_up_time),
      createdAt: this.db.parseDate(row.aircall_created_at),
      deletedAt: this.db.parseDate(row.deleted_at),
    });
  }

  number(row: Row): NumberModel {
    return Object.assign(new NumberModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      name: str(row.name),
      digits: str(row.digits),
      e164Digits: str(row.e164_digits),
      country: str(row.country),
      timeZone: str(row.time_zone),
      open: this.db.parseBool(row.open),
      availabilityStatus: str(row.availability_status),
      isIvr: this.db.parseBool(row.is_ivr),
      liveRecordingActivated: this.db.parseBool(row.live_recording_activated),
      priority: int(row.priority),
      createdAt: this.db.parseDate(row.aircall_created_at),
      deletedAt: this.db.parseDate(row.deleted_at),
    });
  }

  team(row: Row): TeamModel {
    return Object.assign(new TeamModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      name: str(row.name),
      createdAt: this.db.parseDate(row.aircall_created_at),
      deletedAt: this.db.parseDate(row.deleted_at),
    });
  }

  tag(row: Row): TagModel {
    return Object.assign(new TagModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      name: str(row.name),
      color: str(row.color),
      description: str(row.description),
      deletedAt: this.db.parseDate(row.deleted_at),
    });
  }

  contact(row: Row): ContactModel {
    return Object.assign(new ContactModel(), {
      id: String(row.id),
      accountId: String(row.account_id),
      firstName: str(row.first_name),
      lastName: str(row.last_name),
      companyName: str(row.company_name),
      description: str(row.description),
      information: str(row.information),
      isShared: this.db.parseBool(row.is_shared),
      phoneNumbers: this.details(row.phone_numbers),
      emails: this.details(row.emails),
      createdAt: this.db.parseDate(row.aircall_created_at),
      updatedAt: this.db.parseDate(row.aircall_updated_at),
      deletedAt: this.db.parseDate(row.deleted_at),
    });
  }

  private details(value: unknown): ContactDetailModel[] {
    const list = this.db.parseJson<Array<{ id?: unknown; label?: unknown; value?: unknown }>>(value);
    if (!Array.isArray(list)) return [];
    return list
      .filter((d) => d && d.value !== undefined && d.value !== null)
      .map((d) =>
        Object.assign(new ContactDetailModel(), {
          id: str(d.id),
          label: str(d.label),
          value: String(d.value),
        }),
      );
  }
}
