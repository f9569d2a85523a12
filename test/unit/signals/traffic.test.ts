import { beforeAll, describe, expect, it } from 'vitest';
import type { TrafficTouch } from '../../../src/manifest/types';
import { sessionTouch, trafficTouch } from '../../../src/signals/traffic';
import { pageView, SESSION_MS } from '../../../src/signals/visitor';
import { partsNow } from '../../parts-now';

// What the parts do, not when they arrive (test/unit/parts.test.ts).
beforeAll(partsNow);

const OWN = 'www.shop.example';
const PAGE = `https://${OWN}/products/shoes`;
const sm = (t: TrafficTouch) => `${t.source}/${t.medium}`;
const fromReferrer = (referrer: string | null) => sm(trafficTouch(PAGE, referrer, OWN));

describe('trafficTouch: precedence (docs/context.md)', () => {
  it('takes all five UTM fields', () => {
    expect(
      trafficTouch(
        `${PAGE}?utm_source=newsletter&utm_medium=email&utm_campaign=spring&utm_term=red+shoes&utm_content=x`,
        null,
        OWN,
      ),
    ).toEqual({
      source: 'newsletter',
      medium: 'email',
      campaign: 'spring',
      term: 'red shoes',
      content: 'x',
    });
  });

  it('UTM parameters win over click ids and the referrer', () => {
    const t = trafficTouch(
      `${PAGE}?gclid=abc&fbclid=def&utm_source=partner&utm_medium=cpc&utm_campaign=q2`,
      'https://www.google.com/',
      OWN,
    );
    expect(t).toEqual({ source: 'partner', medium: 'cpc', campaign: 'q2', term: null, content: null });
  });

  it('a partial UTM set still counts, missing source/medium become (not set)', () => {
    expect(trafficTouch(`${PAGE}?utm_campaign=black-friday&gclid=x`, null, OWN)).toEqual({
      source: '(not set)',
      medium: '(not set)',
      campaign: 'black-friday',
      term: null,
      content: null,
    });
    expect(sm(trafficTouch(`${PAGE}?utm_medium=display`, null, OWN))).toBe('(not set)/display');
    expect(sm(trafficTouch(`${PAGE}?utm_source=bing`, null, OWN))).toBe('bing/(not set)');
  });

  it('empty UTM values are ignored (fall through to click ids / referrer)', () => {
    expect(sm(trafficTouch(`${PAGE}?utm_source=&utm_medium=&gclid=1`, null, OWN))).toBe('google/cpc');
    expect(sm(trafficTouch(`${PAGE}?utm_source=`, 'https://www.bing.com/', OWN))).toBe('bing/organic');
    // utm_term / utm_content alone do not make a campaign touch
    expect(sm(trafficTouch(`${PAGE}?utm_term=shoes&utm_content=x`, null, OWN))).toBe('direct/none');
  });

  it.each([
    ['gclid=Cj0KCQ', 'google/cpc'],
    ['gbraid=0AAAA', 'google/cpc'],
    ['wbraid=CjkK', 'google/cpc'],
    ['dclid=CJ3', 'google/cpc'],
    ['fbclid=IwAR3', 'facebook/paid-social'],
    ['msclkid=5f2', 'bing/cpc'],
    ['ttclid=E.C.P', 'tiktok/paid-social'],
    ['li_fat_id=abc-123', 'linkedin/paid-social'],
    ['twclid=2-abc', 'x/paid-social'],
    // an empty click id still marks the click
    ['gclid=', 'google/cpc'],
  ])('click id %s → %s, winning over the referrer', (query, expected) => {
    const t = trafficTouch(`${PAGE}?${query}`, 'https://www.facebook.com/', OWN);
    expect(sm(t)).toBe(expected);
    expect(t.campaign).toBeNull();
    expect(t.term).toBeNull();
    expect(t.content).toBeNull();
  });

  it('the first click id in table order wins when several are present', () => {
    expect(sm(trafficTouch(`${PAGE}?msclkid=1&gclid=2`, null, OWN))).toBe('google/cpc');
    expect(sm(trafficTouch(`${PAGE}?ttclid=1&fbclid=2`, null, OWN))).toBe('facebook/paid-social');
  });

  it('click ids are matched by exact name only', () => {
    expect(sm(trafficTouch(`${PAGE}?xgclid=1&gclid_x=2`, null, OWN))).toBe('direct/none');
  });

  it('accepts a URL object as well as a string, and survives an unparsable URL', () => {
    expect(sm(trafficTouch(new URL(`${PAGE}?utm_source=a&utm_medium=b`), null, OWN))).toBe('a/b');
    expect(sm(trafficTouch('not a url', 'https://www.bing.com/', OWN))).toBe('bing/organic');
    expect(sm(trafficTouch('not a url', null, OWN))).toBe('direct/none');
  });
});

describe('trafficTouch: referrer classification', () => {
  it.each([
    // search engines → organic
    ['https://www.google.com/', 'google/organic'],
    ['https://www.google.co.uk/', 'google/organic'],
    ['https://www.google.de/search?q=shoes', 'google/organic'],
    ['https://www.google.com.br/', 'google/organic'],
    ['https://www.google.co.jp/', 'google/organic'],
    ['https://google.fr/', 'google/organic'],
    ['android-app://com.google.android.googlequicksearchbox/', 'google/organic'],
    ['https://www.bing.com/search?q=shoes', 'bing/organic'],
    ['https://cn.bing.com/', 'bing/organic'],
    ['https://search.yahoo.com/search?p=shoes', 'yahoo/organic'],
    ['https://uk.search.yahoo.com/', 'yahoo/organic'],
    ['https://search.yahoo.co.jp/', 'yahoo/organic'],
    ['https://duckduckgo.com/', 'duckduckgo/organic'],
    ['https://html.duckduckgo.com/', 'duckduckgo/organic'],
    ['https://www.baidu.com/link?url=x', 'baidu/organic'],
    ['https://m.baidu.com/', 'baidu/organic'],
    ['https://www.sogou.com/web?query=x', 'sogou/organic'],
    ['https://m.so.com/', '360/organic'],
    ['https://yandex.ru/search/?text=x', 'yandex/organic'],
    ['https://yandex.com.tr/', 'yandex/organic'],
    ['https://ya.ru/', 'yandex/organic'],
    ['https://www.ecosia.org/search?q=x', 'ecosia/organic'],
    ['https://search.naver.com/', 'naver/organic'],
    ['https://search.seznam.cz/', 'seznam/organic'],
    ['https://www.qwant.com/', 'qwant/organic'],
    ['https://www.startpage.com/', 'startpage/organic'],
    ['https://search.brave.com/search?q=x', 'brave/organic'],
    ['https://www.ask.com/', 'ask/organic'],
    ['https://search.aol.com/', 'aol/organic'],
    // social networks → social
    ['https://www.facebook.com/', 'facebook/social'],
    ['https://l.facebook.com/l.php?u=x', 'facebook/social'],
    ['https://lm.facebook.com/', 'facebook/social'],
    ['https://m.facebook.com/', 'facebook/social'],
    ['https://fb.me/abc', 'facebook/social'],
    ['https://www.messenger.com/', 'facebook/social'],
    ['https://www.instagram.com/', 'instagram/social'],
    ['https://l.instagram.com/', 'instagram/social'],
    ['https://t.co/abc', 'x/social'],
    ['https://x.com/someone', 'x/social'],
    ['https://twitter.com/', 'x/social'],
    ['https://mobile.twitter.com/', 'x/social'],
    ['https://www.linkedin.com/feed/', 'linkedin/social'],
    ['https://lnkd.in/abc', 'linkedin/social'],
    ['https://www.pinterest.com/', 'pinterest/social'],
    ['https://www.pinterest.co.uk/', 'pinterest/social'],
    ['https://pin.it/abc', 'pinterest/social'],
    ['https://www.reddit.com/r/x', 'reddit/social'],
    ['https://out.reddit.com/', 'reddit/social'],
    ['https://redd.it/abc', 'reddit/social'],
    ['https://www.youtube.com/', 'youtube/social'],
    ['https://m.youtube.com/', 'youtube/social'],
    ['https://youtu.be/abc', 'youtube/social'],
    ['https://www.tiktok.com/', 'tiktok/social'],
    ['https://www.snapchat.com/', 'snapchat/social'],
    ['https://web.whatsapp.com/', 'whatsapp/social'],
    ['https://wa.me/123', 'whatsapp/social'],
    ['https://t.me/channel', 'telegram/social'],
    ['https://vk.com/', 'vk/social'],
    ['https://ok.ru/', 'vk/social'],
    ['https://www.quora.com/', 'quora/social'],
    ['https://www.threads.net/', 'threads/social'],
    ['https://www.threads.com/@x', 'threads/social'],
    ['https://bsky.app/', 'bluesky-mastodon/social'],
    // webmail → email (before search: mail.google.com is not google/organic)
    ['https://mail.google.com/mail/u/0/', 'gmail/email'],
    ['android-app://com.google.android.gm/', 'gmail/email'],
    ['https://outlook.live.com/mail/', 'outlook/email'],
    ['https://outlook.office.com/', 'outlook/email'],
    ['https://outlook.office365.com/', 'outlook/email'],
    ['https://mail.live.com/', 'outlook/email'],
    ['https://mail.yahoo.com/', 'yahoo-mail/email'],
    ['https://mail.yahoo.co.jp/', 'yahoo-mail/email'],
    ['https://mail.aol.com/', 'aol-mail/email'],
    ['https://mail.proton.me/', 'proton-mail/email'],
    ['https://mail.yandex.ru/', 'webmail/email'],
    ['https://e.mail.ru/', 'webmail/email'],
    ['https://mail.zoho.com/', 'webmail/email'],
    ['https://webmail.example.net/', 'webmail/email'],
    ['https://navigator.gmx.net/', 'webmail/email'],
    // other hosts → referral, named by host without www.
    ['https://www.nytimes.com/2024/01/01/x.html', 'nytimes.com/referral'],
    ['https://news.ycombinator.com/item?id=1', 'news.ycombinator.com/referral'],
    ['https://WWW.Example.ORG/', 'example.org/referral'],
    ['https://www.googleblog.com/', 'googleblog.com/referral'],
    ['https://docs.google.com/document/d/1/edit', 'docs.google.com/referral'],
    ['https://news.google.com/articles/x', 'news.google.com/referral'],
    ['https://sites.google.com/view/shop', 'sites.google.com/referral'],
    ['https://notfacebook.com/', 'notfacebook.com/referral'],
    ['https://box.com/', 'box.com/referral'],
    ['https://mint.co/', 'mint.co/referral'],
    ['https://www.facebook.com.evil.io/', 'facebook.com.evil.io/referral'],
    ['https://x.com.example/', 'x.com.example/referral'],
    ['https://wwwfoo.com/', 'wwwfoo.com/referral'],
    ['http://localhost:3000/', 'localhost/referral'],
    // same site → direct (internal navigation)
    [`https://${OWN}/`, 'direct/none'],
    [`https://${OWN}:8443/cart`, 'direct/none'],
    [`https://${OWN.toUpperCase()}/`, 'direct/none'],
    // the apex and www. variants of the own host are the same site
    ['https://shop.example/checkout', 'direct/none'],
    // other subdomains of the own site are other hosts
    ['https://blog.shop.example/', 'blog.shop.example/referral'],
    // no or unusable referrer → direct
    [null, 'direct/none'],
    ['', 'direct/none'],
    ['not a url', 'direct/none'],
    ['about:blank', 'direct/none'],
  ])('referrer %s → %s', (referrer, expected) => {
    expect(fromReferrer(referrer)).toBe(expected);
  });

  it('referrer touches carry no campaign, term or content', () => {
    const t = trafficTouch(PAGE, 'https://www.google.com/search?q=red+shoes', OWN);
    expect(t).toEqual({ source: 'google', medium: 'organic', campaign: null, term: null, content: null });
  });

  it('the search keyword comes from utm_term (paid search links carry it)', () => {
    const t = trafficTouch(`${PAGE}?utm_source=google&utm_medium=cpc&utm_term=red%20shoes`, null, OWN);
    expect(t.term).toBe('red shoes');
  });

  it('the own host is compared without its port, www. and case', () => {
    expect(sm(trafficTouch(PAGE, `https://${OWN}/a`, `${OWN.toUpperCase()}:443`))).toBe('direct/none');
    expect(sm(trafficTouch('https://shop.example/', 'https://www.shop.example/', 'shop.example'))).toBe(
      'direct/none',
    );
    expect(sm(trafficTouch('http://localhost:5173/', 'http://localhost:5173/a', 'localhost:5173'))).toBe(
      'direct/none',
    );
  });
});

describe('sessionTouch: last touch of the session', () => {
  const direct = trafficTouch(PAGE, null, OWN);
  const google = trafficTouch(PAGE, 'https://www.google.com/', OWN);
  const paid = trafficTouch(`${PAGE}?utm_source=fb&utm_medium=paid-social&utm_campaign=c1`, null, OWN);

  it('a new session takes the current touch, even direct', () => {
    expect(sessionTouch(paid, direct, true)).toBe(direct);
  });
  it('within a session a direct page view keeps the stored touch', () => {
    expect(sessionTouch(paid, direct, false)).toBe(paid);
  });
  it('within a session a new non-direct touch replaces the stored one', () => {
    expect(sessionTouch(paid, google, false)).toBe(google);
  });
  it('without a stored touch the current one is used', () => {
    expect(sessionTouch(undefined, direct, false)).toBe(direct);
  });
});

describe('pageView: session last touch and first touch', () => {
  const T0 = Date.UTC(2024, 4, 1, 10);
  /** One page view; `newSession` is whether it started a session (the session starts now). */
  const view = (
    previous: Parameters<typeof pageView>[0],
    now: number,
    url: string,
    referrer: string | null,
  ) => {
    const profile = pageView(previous, {
      now,
      path: new URL(url).pathname,
      touch: trafficTouch(url, referrer, OWN),
    });
    return { profile, newSession: profile.session.start === now };
  };

  it('keeps the landing campaign across internal page views of the same session', () => {
    const landing = `${PAGE}?utm_source=newsletter&utm_medium=email&utm_campaign=may`;
    let { profile, newSession } = view(null, T0, landing, 'https://mail.google.com/');
    expect(newSession).toBe(true);
    expect(profile.session.touch.source).toBe('newsletter');

    ({ profile, newSession } = view(profile, T0 + 60_000, `https://${OWN}/cart`, PAGE));
    expect(newSession).toBe(false);
    expect(profile.session.touch).toEqual({
      source: 'newsletter',
      medium: 'email',
      campaign: 'may',
      term: null,
      content: null,
    });
    // a reload without referrer also keeps it
    ({ profile } = view(profile, T0 + 120_000, `https://${OWN}/cart`, null));
    expect(sm(profile.session.touch)).toBe('newsletter/email');
    expect(sm(profile.firstTouch)).toBe('newsletter/email');
  });

  it('a new campaign click within the session becomes the last touch; first touch never changes', () => {
    let { profile } = view(null, T0, PAGE, 'https://www.google.co.uk/');
    expect(sm(profile.firstTouch)).toBe('google/organic');

    ({ profile } = view(profile, T0 + 5 * 60_000, `${PAGE}?fbclid=1`, 'https://l.facebook.com/'));
    expect(sm(profile.session.touch)).toBe('facebook/paid-social');
    expect(sm(profile.firstTouch)).toBe('google/organic');

    // a new session 31 minutes later: direct replaces the last touch, first touch stays
    const later = T0 + 5 * 60_000 + SESSION_MS + 60_000;
    const next = view(profile, later, PAGE, null);
    profile = next.profile;
    expect(next.newSession).toBe(true);
    expect(profile.visits).toBe(2);
    expect(sm(profile.session.touch)).toBe('direct/none');
    expect(sm(profile.firstTouch)).toBe('google/organic');

    // and yet another session from a newsletter
    ({ profile } = view(profile, later + 2 * SESSION_MS, `${PAGE}?utm_source=nl&utm_medium=email`, null));
    expect(sm(profile.session.touch)).toBe('nl/email');
    expect(profile.firstTouch).toEqual({
      source: 'google',
      medium: 'organic',
      campaign: null,
      term: null,
      content: null,
    });
  });

  it('a first session that starts direct keeps direct as first touch even if a campaign follows', () => {
    let { profile } = view(null, T0, PAGE, null);
    ({ profile } = view(profile, T0 + 1000, `${PAGE}?utm_source=a&utm_medium=b`, null));
    expect(sm(profile.session.touch)).toBe('a/b');
    expect(sm(profile.firstTouch)).toBe('direct/none');
  });

  it('the session ends exactly at 30 minutes of inactivity', () => {
    const { profile } = view(null, T0, `${PAGE}?gclid=1`, null);
    const just = view(profile, T0 + SESSION_MS - 1, PAGE, null);
    expect(just.newSession).toBe(false);
    expect(sm(just.profile.session.touch)).toBe('google/cpc');
    const after = view(profile, T0 + SESSION_MS, PAGE, null);
    expect(after.newSession).toBe(true);
    expect(sm(after.profile.session.touch)).toBe('direct/none');
  });
});
