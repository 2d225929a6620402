/**
 * The shape of a JSON value: its keys, nesting and value types, without the values. Two bodies have
 * the same shape when an Aircall client could not tell them apart by structure.
 */
export type JsonShape =
  | 'string'
  | 'number'
  | 'boolean'
  | 'null'
  /** A value the capturer masked (`"redacted"`): any type. */
  | 'any'
  | { array: JsonShape | null }
  | { object: Record<string, JsonShape> };

/** Recorded bodies mask some values as this string, whatever their real type. */
const MASKED = new Set(['redacted', 'REDACTED']);

export function shapeOf(value: unknown): JsonShape {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return MASKED.has(value) ? 'any' : 'string';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return { array: value.length === 0 ? null : shapeOf(value[0]) };
  const object: Record<string, JsonShape> = {};
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) object[key] = shapeOf(item);
  return { object };
}

/**
 * Where `actual` differs from `expected`: keys missing or added at any depth, and types that differ.
 * A null on either side matches any type (a recording shows null where the field can hold a value,
 * and the other way round); an empty array matches any array, an empty object any object.
 */
export function shapeDifferences(expected: JsonShape, actual: JsonShape, path = '$'): string[] {
  if (expected === 'any' || expected === 'null' || actual === 'null') return [];
  if (typeof expected === 'string' || typeof actual === 'string')
    return JSON.stringify(expected) === JSON.stringify(actual)
      ? []
      : [`${path}: ${describe(actual)} where Aircall sends ${describe(expected)}`];
  if ('array' in expected || 'array' in actual) {
    if (!('array' in expected) || !('array' in actual))
      return [`${path}: ${describe(actual)} where Aircall sends ${describe(expected)}`];
    if (expected.array === null || actual.array === null) return [];
    return shapeDifferences(expected.array, actual.array, `${path}[]`);
  }
  // `{}` is how Aircall writes an absent object (docs/aircall-behaviour.md §2): it stands for any.
  if (Object.keys(expected.object).length === 0 || Object.keys(actual.object).length === 0) return [];
  const differences: string[] = [];
  for (const key of Object.keys(expected.object))
    if (!(key in actual.object)) differences.push(`${path}.${key}: missing (Aircall sends it)`);
  for (const key of Object.keys(actual.object))
    if (!(key in expected.object)) differences.push(`${path}.${key}: added (Aircall does not send it)`);
  for (const key of Object.keys(expected.object))
    if (key in actual.object)
      differences.push(...shapeDifferences(expected.object[key], actual.object[key], `${path}.${key}`));
  return differences;
}

function describe(shape: JsonShape): string {
  if (typeof shape === 'string') return shape;
  return 'array' in shape ? 'an array' : 'an object';
}

/** The shape of the fixtures' objects merged: every key any of them has (for samples that each show a part). */
export function unionShape(...shapes: JsonShape[]): JsonShape {
  const objects = shapes.filter(
    (s): s is { object: Record<string, JsonShape> } => typeof s === 'object' && 'object' in s,
  );
  if (objects.length !== shapes.length) return shapes.find((s) => s !== 'null') ?? 'null';
  const merged: Record<string, JsonShape> = {};
  for (const { object } of objects)
    for (const [key, shape] of Object.entries(object))
      merged[key] = key in merged ? unionShape(merged[key], shape) : shape;
  return { object: merged };
}
