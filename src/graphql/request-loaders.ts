import DataLoader from 'dataloader';

/**
 * The DataLoaders of one GraphQL request. Resolvers ask for a loader by name with the function that
 * batches it; the first ask creates it, later asks in the same request share it. A new instance per
 * request means no cache outlives the request and no key of one caller serves another.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(
    name: string,
    batch: (keys: readonly K[]) => Promise<ArrayLike<V | Error>>,
    cacheKey?: (key: K) => string,
  ): DataLoader<K, V> {
    let loader = this.loaders.get(name) as DataLoader<K, V> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, string>(batch, {
        cacheKeyFn: cacheKey ?? ((key: K) => String(key)),
        maxBatchSize: 1000,
      });
      this.loaders.set(name, loader as DataLoader<unknown, unknown>);
    }
    return loader;
  }
}
