import { LATEST_END, LATEST_START, withLatestRun } from '../bench/report';

describe('bench report in docs/benchmarks.md', () => {
  const document = `# Benchmarks\n\nmethod\n\n## Latest run\n\n${LATEST_START}\nold figures\n${LATEST_END}\n\n## History\nkept\n`;

  it('replaces only what lies between the markers, keeping them for the next run', () => {
    const updated = withLatestRun(document, '| figure | measured |\n| a | 1 |\n');
    expect(updated).toBe(
      `# Benchmarks\n\nmethod\n\n## Latest run\n\n${LATEST_START}\n| figure | measured |\n| a | 1 |\n${LATEST_END}\n\n## History\nkept\n`,
    );
    expect(withLatestRun(updated!, 'second')).toContain(`${LATEST_START}\nsecond\n${LATEST_END}`);
  });

  it('leaves a document without both markers alone', () => {
    expect(withLatestRun('# no markers', 'x')).toBeNull();
    expect(withLatestRun(`${LATEST_END} before ${LATEST_START}`, 'x')).toBeNull();
  });
});
