import { describe, expect, it } from 'vitest';
import { redirectTarget } from '../../../src/render/redirect';

const here = new URL('https://shop.example/landing?utm_source=mail&ref=a#top');
const href = (raw: string, hosts?: string[]) =>
  (redirectTarget(raw, here, hosts) as URL | null)?.href ?? null;

describe('redirectTarget', () => {
  it('resolves a relative target and carries the query parameters the target does not name', () => {
    expect(href('/sale?ref=b')).toBe('https://shop.example/sale?ref=b&utm_source=mail');
  });

  it('allows another host only when redirectHosts names it', () => {
    expect(redirectTarget('https://other.example/x', here)).toBe(
      'the redirect to other.example is refused: the host is not in redirectHosts',
    );
    expect(href('https://other.example/x', ['other.example'])).toBe(
      'https://other.example/x?utm_source=mail&ref=a',
    );
  });

  it('refuses script URLs and unparseable ones, naming the target', () => {
    expect(redirectTarget('javascript:alert(1)', here)).toBe(
      'the redirect to "javascript:alert(1)" is refused: only http, https and relative URLs',
    );
    expect(redirectTarget('http://[::1', here)).toBe(
      'the redirect to "http://[::1" is refused: it is not a valid URL',
    );
  });

  it('is null for the current page (with or without a hash): a page never redirects to itself', () => {
    expect(redirectTarget('/landing?utm_source=mail&ref=a', here)).toBeNull();
    expect(redirectTarget('/landing#other', here)).toBeNull();
  });
});
