import { describe, expect, it } from 'vitest';
import { parseContentDisposition } from './content-disposition.js';

describe('parseContentDisposition', () => {
  it('decodes a UTF-8 filename* and keeps its non-ASCII characters', () => {
    expect(parseContentDisposition("attachment; filename*=UTF-8''Kontoauszug_%C3%9C.pdf")).toEqual({ type: 'attachment', filename: 'Kontoauszug_Ü.pdf' });
  });

  it('reads a quoted and an unquoted filename', () => {
    expect(parseContentDisposition('attachment; filename="report 7.pdf"')).toEqual({ type: 'attachment', filename: 'report 7.pdf' });
    expect(parseContentDisposition('inline; filename=report.pdf')).toEqual({ type: 'inline', filename: 'report.pdf' });
    // Sloppy servers leave spaces unquoted; browsers still take the whole name.
    expect(parseContentDisposition('attachment; filename=my statement.pdf; size=3')?.filename).toBe('my statement.pdf');
  });

  it('prefers filename* over filename, in either order', () => {
    expect(parseContentDisposition('attachment; filename="fallback.pdf"; filename*=UTF-8\'\'%E2%82%AC-rates.pdf')?.filename).toBe('€-rates.pdf');
    expect(parseContentDisposition("attachment; filename*=utf-8'en'%E2%82%AC-rates.pdf; filename=\"fallback.pdf\"")?.filename).toBe('€-rates.pdf');
  });

  it('unescapes escaped quotes and keeps a ";" inside quotes', () => {
    expect(parseContentDisposition('attachment; filename="say \\"hi\\"; now.pdf"; x=1')?.filename).toBe('say "hi"; now.pdf');
  });

  it('decodes a percent-encoded ISO-8859-1 filename*', () => {
    expect(parseContentDisposition("attachment; filename*=ISO-8859-1''%C4rger_%FC.pdf")?.filename).toBe('Ärger_ü.pdf');
  });

  it('falls back to filename when filename* has an unknown charset or broken encoding', () => {
    expect(parseContentDisposition("attachment; filename*=koi8-r''%C1.pdf; filename=a.pdf")?.filename).toBe('a.pdf');
    expect(parseContentDisposition("attachment; filename*=UTF-8''%C3.pdf; filename=b.pdf")?.filename).toBe('b.pdf');
    expect(parseContentDisposition("attachment; filename*=UTF-8''%zz.pdf; filename=c.pdf")?.filename).toBe('c.pdf');
    expect(parseContentDisposition('attachment; filename*=no-quotes.pdf')?.filename).toBeNull();
  });

  it('answers a null filename when there is none', () => {
    expect(parseContentDisposition('attachment')).toEqual({ type: 'attachment', filename: null });
    expect(parseContentDisposition('Attachment; size=12; filename=""')).toEqual({ type: 'attachment', filename: null });
    expect(parseContentDisposition('inline; filename')).toEqual({ type: 'inline', filename: null });
  });

  it.each(['', '   ', '; filename=a.pdf', '=a.pdf', '"attachment"; filename=a.pdf', 'attachment; filename="never closed.pdf', 'attach ment; filename=a.pdf'])(
    'answers null for garbage %j',
    (header) => {
      expect(parseContentDisposition(header)).toBeNull();
    },
  );
});
