import { Injectable } from '@nestjs/common';
import { invalidInput } from '../errors/domain-errors';
import { decodeCallCursor, encodeCallCursor } from './call-cursor';
import { CallFilter } from './call-filter';
import { CallOrder } from './call-order';
import { CallQueryRepository } from './call-query.repository';
import { CallRelations, CallRelationsRequest } from './call-relations';
import { CallConnectionModel, CallEdgeModel } from './models/call-connection.model';
import { CallModel } from './models/call.model';

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

export interface CallPageRequest {
  filter: CallFilter;
  first?: number | null;
  after?: string | null;
  orderBy?: CallOrder | null;
}

/**
 * Pages of calls as Relay connections: checks `first`/`after`, fetches one extra row to know if more
 * follow. Every call returned has the related rows the query selects filled in (CallRelations).
 */
@Injectable()
export class CallQueryService {
  constructor(
    private readonly calls: CallQueryRepository,
    private readonly relations: CallRelations,
  ) {}

  async connection(request: CallPageRequest, relations: CallRelationsRequest): Promise<CallConnectionModel> {
    const first = request.first ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
      throw invalidInput('first', `must be between 0 and ${MAX_PAGE_SIZE}`);
    }
    const after = request.after ? decodeCallCursor(request.after) : null;
    const order = request.orderBy ?? CallOrder.STARTED_AT_DESC;
    const rows = await this.calls.page(request.filter, order, first + 1, after);
    const page = rows.slice(0, first);
    await this.relations.attach(page, relations);
    const edges = page.map((node) => Object.assign(new CallEdgeModel(), { node, cursor: cursorOf(node) }));
    return Object.assign(new CallConnectionModel(), {
      edges,
      filter: request.filter,
      pageInfo: {
        hasNextPage: rows.length > first,
        hasPreviousPage: after !== null,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    });
  }

  count(filter: CallFilter): Promise<number> {
    return this.calls.count(filter);
  }

  /** The call with this id among the accounts in scope; with ids shared by two accounts, pass one. */
  async call(
    id: string,
    accountIds: string[] | null,
    relations: CallRelationsRequest,
  ): Promise<CallModel | null> {
    if (!/^\d{1,19}$/.test(id)) throw invalidInput('id', 'must be an Aircall call id (digits)');
    const found = await this.calls.findById(id, accountIds);
    if (found.length > 1)
      throw invalidInput(
        'accountId',
        `call ${id} exists in several accounts (${found.map((c) => c.accountId).join(', ')}): pass accountId`,
      );
    await this.relations.attach(found, relations);
    return found[0] ?? null;
  }
}

function cursorOf(call: CallModel): string {
  return encodeCallCursor({
    startedAt: call.startedAt?.getTime() ?? null,
    accountId: call.accountId,
    id: call.id,
  });
}
