import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import { DirectoryLoaders } from '../directory/directory-loaders';
import { TeamModel } from '../directory/models/team.model';
import { RequestLoaders } from '../graphql/request-loaders';
import { selectedAt, SelectionTree, selectionTree } from '../graphql/selection';
import { tenantKey } from '../graphql/tenant-keys';
import { CallLoaders } from './call-loaders';
import { CallModel } from './models/call.model';

/** What a resolver returning calls passes along: the fields selected on each call, and the request's loaders. */
export interface CallRelationsRequest {
  /** The selection on the Call objects (`edges.node` of a connection); undefined when none is. */
  node: SelectionTree | undefined;
  loaders: RequestLoaders;
}

/** The request of a calls connection field: what the query selects on its `edges.node`. */
export function connectionRelations(info: GraphQLResolveInfo, loaders: RequestLoaders): CallRelationsRequest {
  return { node: selectedAt(selectionTree(info), 'edges', 'node'), loaders };
}

const USER_FIELDS = [
  ['user', 'userId'],
  ['assignedTo', 'assignedToId'],
  ['transferredBy', 'transferredById'],
  ['transferredTo', 'transferredToId'],
] as const;

/**
 * Fills the related rows of a list of calls — user, assignedTo, transferredBy/To, number, contact,
 * teams, tags (with taggedBy), comments (with postedBy) — before they are returned to GraphQL, only
 * for the fields the query selects. Lookups stay inside each call's own account (tenant keys) and go
 * through the request's DataLoaders: a page costs one statement per kind of row, in two rounds (the
 * rows calls point at, then the teams and every user: the calls', the taggers' and the authors'),
 * whatever its size.
 *
 * Filling plain fields ahead, rather than resolving each field on each call, spares GraphQL a resolver
 * call and a promise per field per call, a large share of a page's time.
 */
@Injectable()
export class CallRelations {
  constructor(
    private readonly directory: DirectoryLoaders,
    private readonly callLoaders: CallLoaders,
  ) {}

  async attach(calls: readonly CallModel[], { node, loaders }: CallRelationsRequest): Promise<void> {
    if (!node || calls.length === 0) return;
    const users = this.directory.users(loaders);
    const callKeys = calls.map((call) => tenantKey(call.accountId, call.id));

    // Round 1: the rows the calls point at, every loader dispatched in the same tick.
    const [numbers, contacts, teamIds, tags, comments] = await Promise.all([
      node.has('number') ? byId(this.directory.numbers(loaders), calls, (call) => call.numberId) : null,
      node.has('contact') ? byId(this.directory.contacts(loaders), calls, (call) => call.contactId) : null,
      node.has('teams') ? values(this.callLoaders.teamIds(loaders).loadMany(callKeys)) : null,
      node.has('tags') ? values(this.callLoaders.tags(loaders).loadMany(callKeys)) : null,
      node.has('comments') ? values(this.callLoaders.comments(loaders).loadMany(callKeys)) : null,
    ]);
    calls.forEach((call, i) => {
      if (numbers) call.number = numbers[i];
      if (contacts) call.contact = contacts[i];
      if (tags) call.tags = tags[i];
      if (comments) call.comments = comments[i];
    });

    // Round 2: the teams rung, and every user — the calls' own, who tagged, who commented — in one batch.
    const userFields = USER_FIELDS.filter(([field]) => node.has(field));
    const taggers = tags && node.get('tags')?.has('taggedBy') ? tags.flat() : [];
    const authors = comments && node.get('comments')?.has('postedBy') ? comments.flat() : [];
    const teamKeys = teamIds
      ? calls.flatMap((call, i) => teamIds[i].map((id) => tenantKey(call.accountId, id)))
      : [];
    const [teams, userLists, taggedBy, postedBy] = await Promise.all([
      teamKeys.length ? values(this.directory.teams(loaders).loadMany(teamKeys)) : [],
      Promise.all(userFields.map(([, idField]) => byId(users, calls, (call) => call[idField]))),
      byId(users, taggers, (tag) => tag.taggedById),
      byId(users, authors, (comment) => comment.postedById),
    ]);
    userFields.forEach(([field], f) => calls.forEach((call, i) => (call[field] = userLists[f][i])));
    taggers.forEach((tag, i) => (tag.taggedBy = taggedBy[i]));
    authors.forEach((comment, i) => (comment.postedBy = postedBy[i]));
    if (teamIds) {
      let next = 0;
      calls.forEach((call, i) => {
        call.teams = teamIds[i].map((id) => {
          const team = teams[next++];
          // A team Aircall named on the call but whose row is missing shows as a bare id rather than vanishing.
          return team ?? missingTeam(call.accountId, id);
        });
      });
    }
  }
}

/** The rows `idOf` points at for each item (null where it points nowhere), in the items' order. */
async function byId<T extends { accountId: string }, R>(
  loader: DataLoader<string, R | null>,
  items: readonly T[],
  idOf: (item: T) => string | null,
): Promise<Array<R | null>> {
  const ids = items.map(idOf);
  const keys = items.flatMap((item, i) => (ids[i] ? [tenantKey(item.accountId, ids[i])] : []));
  if (keys.length === 0) return items.map(() => null);
  const rows = await values(loader.loadMany(keys));
  let next = 0;
  return ids.map((id) => (id ? rows[next++] : null));
}

/** loadMany's results, failing on the first error (a failed statement fails the whole list). */
async function values<V>(results: Promise<Array<V | Error>>): Promise<V[]> {
  const list = await results;
  for (const value of list) if (value instanceof Error) throw value;
  return list as V[];
}

function missingTeam(accountId: string, id: string): TeamModel {
  return Object.assign(new TeamModel(), { id, accountId, name: null, createdAt: null, deletedAt: null });
}
