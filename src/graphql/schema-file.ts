import { INestApplication } from '@nestjs/common';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { join } from 'node:path';
import { printSchemaFile } from './schema-printer';

/** The committed schema, at the repository root. */
export const SCHEMA_FILE = join(__dirname, '..', '..', 'schema.gql');

/** schema.gql's expected text for a running (initialised) application. */
export function schemaFileOf(app: INestApplication): string {
  return printSchemaFile(app.get(GraphQLSchemaHost).schema);
}
