import { md, mdCode, mdCodeBlock, mdLink, plainLine, plainLines, stripControl } from '../../src/report/escape.js';

describe('md: remote text inside Markdown', () => {
  test('HTML is shown, not rendered', () => {
    expect(md('<script>alert(1)</script> & <img src=x>')).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;img src=x&gt;',
    );
  });

  test('cannot add table cells or rows', () => {
    expect(md('a | b\n| c | d |')).toBe('a &#124; b<br>&#124; c &#124; d &#124;');
  });

  test('cannot open code spans, emphasis, links, images or math', () => {
    expect(md('`x` *b* _i_ ~s~ [t](javascript:alert(1)) ![i](u) $x$ \\')).toBe(
      '&#96;x&#96; &#42;b&#42; &#95;i&#95; &#126;s&#126; &#91;t&#93;(javascript:alert(1)) !&#91;i&#93;(u) &#36;x&#36; &#92;',
    );
  });

  test('mentions and issue references do not notify or link', () => {
    expect(md('ping @org/team and @alice, see #12; mail a@b.c')).toBe(
      'ping @&#8203;org/team and @&#8203;alice, see #&#8203;12; mail a@&#8203;b.c',
    );
  });

  test('cannot start a heading, list, quote or code block', () => {
    expect(md('# h')).toBe('&#35; h');
    expect(md('- item')).toBe('&#45; item');
    expect(md('+ item')).toBe('&#43; item');
    expect(md('=====')).toBe('&#61;====');
    expect(md('1. one')).toBe('1&#46; one');
    expect(md('> quote')).toBe('&gt; quote');
    expect(md('    code')).toBe('&#32;&#32;&#32;&#32;code');
  });

  test('plain values pass unchanged', () => {
    expect(md('slave-1')).toBe('slave-1');
    expect(md('v0.10.1')).toBe('v0.10.1');
    expect(md('pull image calciumion/new-api:v0.10.1')).toBe('pull image calciumion/new-api:v0.10.1');
  });

  test('terminal colours and control characters are removed', () => {
    expect(md('\u001b[31mred\u001b[0m\u0007 bell\u202eevil')).toBe('red bellevil');
  });

  test('code keeps its text inside a <code> element', () => {
    expect(mdCode('v1|<b>')).toBe('<code>v1&#124;&lt;b&gt;</code>');
  });
});

describe('mdCodeBlock', () => {
  test('the fence is longer than any backtick run inside, so no line closes it early', () => {
    expect(mdCodeBlock(['```', 'x ````` y'])).toBe('``````text\n```\nx ````` y\n``````');
  });

  test('content is kept literally, minus control characters', () => {
    expect(mdCodeBlock(['<b>@org</b>', '\u001b[1mbold\u001b[0m'], 'sh')).toBe('```sh\n<b>@org</b>\nbold\n```');
  });
});

describe('mdLink', () => {
  test('only http(s) targets become links', () => {
    expect(mdLink('v1', 'https://github.com/o/r/releases/tag/v1')).toBe('[v1](https://github.com/o/r/releases/tag/v1)');
    expect(mdLink('v1', 'javascript:alert(1)')).toBe('v1');
    expect(mdLink('v1', 'https://x.test/a b')).toBe('v1');
    expect(mdLink('v1', 'https://x.test/a(b)')).toBe('[v1](https://x.test/a%28b%29)');
  });
});

describe('plain text for the terminal and the Actions log', () => {
  test('workflow commands in remote text are defused', () => {
    expect(plainLine('::set-output name=x::y')).toBe(': :set-output name=x::y');
    expect(plainLines(['  ::add-mask::secret', 'ok ##vso[task.setvariable]x'])).toEqual([
      '  : :add-mask::secret',
      'ok ##vso [task.setvariable]x',
    ]);
  });

  test('a value stays on one line', () => {
    expect(plainLine('a\nb\r\nc\td')).toBe('a b c d');
  });

  test('stripControl keeps newlines and tabs', () => {
    expect(stripControl('a\r\nb\tc\u0000\u001b]0;title\u0007d')).toBe('a\nb\tcd');
  });
});
