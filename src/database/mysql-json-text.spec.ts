import { MysqlJsonText } from './database';

describe('MysqlJsonText', () => {
  const literal = (value: unknown) => new MysqlJsonText(JSON.stringify(value)).toSqlString();

  it('quotes JSON text as is when it holds no backslash or single quote', () => {
    expect(literal({ n: 1, s: 'é 😀 x' })).toBe(String.raw`'{"n":1,"s":"é 😀 x"}'`);
  });

  it('escapes backslashes and single quotes, and nothing else', () => {
    // JSON text of 'plain "quoted" text' holds \" twice: each backslash is doubled, the quotes kept.
    expect(literal('plain "quoted" text')).toBe(String.raw`'"plain \\"quoted\\" text"'`);
    expect(literal("O'Brien")).toBe(String.raw`'"O\'Brien"'`);
    expect(literal('C:\\calls')).toBe(String.raw`'"C:\\\\calls"'`);
    // Control characters never reach the literal raw: JSON.stringify already wrote them as escapes.
    expect(literal('a\nb\u0000c')).toBe(String.raw`'"a\\nb\\u0000c"'`);
  });
});
