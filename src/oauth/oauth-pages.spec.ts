import { escapeHtml, renderPage } from './oauth-pages';

describe('OAuth pages', () => {
  it('escapes every character that could open markup or an attribute', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&\``)).toBe(
      '&#60;a href=&#34;x&#34; onclick=&#39;y&#39;&#62;&#38;&#96;',
    );
  });

  it('renders title and lines escaped, with the status left to the caller', () => {
    const html = renderPage({ status: 400, title: 'Bad <b>', lines: ['"quoted" & <i>x</i>'] });
    expect(html).toContain('<h1>Bad &#60;b&#62;</h1>');
    expect(html).toContain('<p>&#34;quoted&#34; &#38; &#60;i&#62;x&#60;/i&#62;</p>');
    expect(html).not.toMatch(/<script/i);
  });
});
