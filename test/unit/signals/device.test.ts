import { describe, expect, it } from 'vitest';
import type { DeviceType } from '../../../src/manifest/types';
import { readDevice as readFull } from '../../../src/signals/device';
import { type DeviceInput, type DeviceSignals, isCrawler } from '../../../src/signals/device-common';
import { readDevice as readLite } from '../../../src/signals/device-lite';
import fixture from '../../fixtures/user-agents.json';

interface Expected {
  type: DeviceType;
  os: string | null;
  browser: string | null;
}
interface Entry {
  name: string;
  ua: string;
  touchPoints?: number;
  expect: Expected;
  /** Fields where the lite build may answer more coarsely, with the lite value and a reason. */
  lite?: Partial<Expected> & { why: string };
}

const entries = fixture as Entry[];
const TYPES: DeviceType[] = ['mobile', 'tablet', 'desktop', 'tv', 'console', 'wearable', 'bot'];
const input = (e: Entry): DeviceInput => ({ ua: e.ua, touchPoints: e.touchPoints ?? 0 });
const summary = (s: DeviceSignals): Expected => ({
  type: s.device.type,
  os: s.os.name,
  browser: s.browser.name,
});
const liteExpect = (e: Entry): Expected => {
  const { why: _why, ...o } = e.lite ?? { why: '' };
  return { ...e.expect, ...o };
};

describe('user-agent fixture', () => {
  it('is large, real-world shaped and well formed', () => {
    expect(entries.length).toBeGreaterThanOrEqual(70);
    expect(new Set(entries.map((e) => e.name)).size).toBe(entries.length);
    for (const e of entries) {
      expect(TYPES, e.name).toContain(e.expect.type);
      if (e.lite) {
        expect(e.lite.why.length, e.name).toBeGreaterThan(20);
        expect(Object.keys(e.lite).length, e.name).toBeGreaterThan(1);
      }
    }
    // Every device class is represented.
    for (const t of TYPES)
      expect(
        entries.some((e) => e.expect.type === t),
        t,
      ).toBe(true);
    // Lite overrides stay rare.
    expect(entries.filter((e) => e.lite).length).toBeLessThanOrEqual(entries.length * 0.05);
  });
});

describe.each([
  ['full', readFull, (e: Entry) => e.expect],
  ['lite', readLite, liteExpect],
] as const)('%s build', (_build, read, expected) => {
  it.each(entries.map((e) => [e.name, e] as const))('%s', (_name, e) => {
    expect(summary(read(input(e)))).toEqual(expected(e));
  });

  it('reports touch support from touchPoints', () => {
    const ua = entries.find((e) => e.name === 'Windows 10 Chrome')!.ua;
    expect(read({ ua, touchPoints: 10 }).device.touch).toBe(true);
    expect(read({ ua, touchPoints: 0 }).device.touch).toBe(false);
    expect(read({ ua }).device.touch).toBe(false);
  });

  it('gives nulls, not a throw, for an empty user agent', () => {
    const r = read({ ua: '' });
    expect(r.os).toEqual({ name: null, version: null });
    expect(r.browser).toEqual({ name: null, version: null, major: null });
    expect(r.device.vendor).toBeNull();
    expect(r.device.model).toBeNull();
    expect(TYPES).toContain(r.device.type);
    expect(() => read({ ua: '', touchPoints: 5, hints: null })).not.toThrow();
  });

  it('reads versions and major versions', () => {
    const r = read({ ua: entries.find((e) => e.name === 'Windows Edge (Chromium)')!.ua });
    expect(r.browser).toEqual({ name: 'Edge', version: '126.0.0.0', major: 126 });
    expect(r.os.name).toBe('Windows');
    const ios = read({ ua: entries.find((e) => e.name === 'iPhone Safari iOS 17')!.ua });
    expect(ios.os.version).toBe('17.4.1');
    expect(ios.browser.major).toBe(17);
  });

  it('treats headless and webdriver browsers as crawlers only with excludeAutomation', () => {
    const ua = entries.find((e) => e.name === 'HeadlessChrome Linux (Puppeteer/Playwright)')!.ua;
    expect(read({ ua }).device.type).toBe('desktop');
    expect(read({ ua, excludeAutomation: true }).device.type).toBe('bot');
    const chrome = entries.find((e) => e.name === 'Linux Chrome')!.ua;
    expect(read({ ua: chrome, webdriver: true }).device.type).toBe('desktop');
    expect(read({ ua: chrome, webdriver: true, excludeAutomation: true }).device.type).toBe('bot');
  });
});

describe('lite and full agree', () => {
  it('on device.type for at least 95% of the fixture', () => {
    const disagree = entries.filter((e) => readLite(input(e)).device.type !== readFull(input(e)).device.type);
    const ratio = (entries.length - disagree.length) / entries.length;
    expect(
      ratio,
      `lite and full differ on: ${disagree.map((e) => e.name).join(', ')}`,
    ).toBeGreaterThanOrEqual(0.95);
  });
});

describe('lite build: UA Client Hints', () => {
  // What Chrome sends with "Request desktop site" on Android, or a UA reduced to nothing useful.
  const bare = 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

  it('uses hints.mobile when the UA looks like a desktop', () => {
    expect(readLite({ ua: bare }).device.type).toBe('desktop');
    expect(readLite({ ua: bare, hints: { mobile: true, platform: 'Android' } }).device.type).toBe('mobile');
    expect(readLite({ ua: bare, hints: { mobile: false, platform: 'Android' } }).device.type).toBe('desktop');
  });

  it('uses hints.platform when the UA names no OS', () => {
    expect(readLite({ ua: bare }).os.name).toBeNull();
    expect(readLite({ ua: bare, hints: { mobile: true, platform: 'Android' } }).os.name).toBe('Android');
    expect(readLite({ ua: bare, hints: { platform: 'Windows' } }).os.name).toBe('Windows');
    expect(readLite({ ua: bare, hints: { platform: 'macOS' } }).os.name).toBe('macOS');
    expect(readLite({ ua: bare, hints: { platform: 'Chrome OS' } }).os.name).toBe('Chrome OS');
    expect(readLite({ ua: '', hints: { mobile: true, platform: 'Android' } })).toMatchObject({
      device: { type: 'mobile' },
      os: { name: 'Android' },
      browser: { name: null },
    });
  });

  it('lets a UA that names its OS and class win over the hints', () => {
    const ipad = entries.find((e) => e.name === 'iPad Chrome (CriOS)')!.ua;
    expect(readLite({ ua: ipad, hints: { mobile: true, platform: 'Android' } })).toMatchObject({
      device: { type: 'tablet' },
      os: { name: 'iOS' },
    });
  });

  it('never turns a crawler into a phone', () => {
    const bot = entries.find((e) => e.name === 'Googlebot (classic)')!.ua;
    expect(readLite({ ua: bot, hints: { mobile: true, platform: 'Android' } }).device.type).toBe('bot');
  });

  it('ignores empty or null hints', () => {
    expect(readLite({ ua: bare, hints: null }).device.type).toBe('desktop');
    expect(readLite({ ua: bare, hints: {} }).os.name).toBeNull();
    expect(readLite({ ua: bare, hints: { platform: '' } }).os.name).toBeNull();
  });
});

// Regression: WhatsApp's link preview and GoogleOther were not crawlers, and the old `bot\b`
// made a Cubot phone (`Android 10; CUBOT X30`) one.
describe('crawler detection', () => {
  const CRAWLERS: [string, string][] = [
    ['Googlebot', 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'],
    ['GoogleOther', 'Mozilla/5.0 (compatible; GoogleOther)'],
    ['Google-InspectionTool', 'Mozilla/5.0 (compatible; Google-InspectionTool/1.0)'],
    [
      'Storebot-Google',
      'Mozilla/5.0 (X11; Linux x86_64; Storebot-Google/1.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/79.0.3945.88 Safari/537.36',
    ],
    ['AdsBot-Google', 'AdsBot-Google (+http://www.google.com/adsbot.html)'],
    ['Mediapartners-Google', 'Mediapartners-Google'],
    ['FeedFetcher-Google', 'FeedFetcher-Google; (+http://www.google.com/feedfetcher.html)'],
    ['bingbot', 'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)'],
    [
      'BingPreview',
      'Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/534+ (KHTML, like Gecko) BingPreview/1.0b',
    ],
    ['DuckDuckBot', 'DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)'],
    ['YandexBot', 'Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)'],
    ['Baiduspider', 'Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)'],
    [
      'Applebot',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)',
    ],
    ['facebookexternalhit', 'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)'],
    ['Facebot', 'Facebot'],
    ['meta-externalagent', 'meta-externalagent/1.1'],
    ['meta-externalfetcher', 'meta-externalfetcher/1.1'],
    ['Twitterbot', 'Twitterbot/1.0'],
    ['LinkedInBot', 'LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)'],
    ['Slackbot', 'Slackbot 1.0 (+https://api.slack.com/robots)'],
    ['Slackbot-LinkExpanding', 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)'],
    ['Discordbot', 'Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)'],
    ['TelegramBot', 'TelegramBot (like TwitterBot)'],
    ['WhatsApp', 'WhatsApp/2.23.20.0'],
    ['WhatsApp (Android)', 'WhatsApp/2.23.18.78 A'],
    ['WhatsApp (iOS)', 'WhatsApp/2.2337.7 i'],
    ['SkypeUriPreview', 'Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5'],
    ['Pinterestbot', 'Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)'],
    ['Pinterest', 'Pinterest/0.2 (+https://www.pinterest.com/bot.html)'],
    ['redditbot', 'Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)'],
    ['Embedly', 'Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)'],
    ['Iframely', 'Iframely/1.3.1 (+https://iframely.com/docs/about)'],
    ['vkShare', 'Mozilla/5.0 (compatible; vkShare; +http://vk.com/dev/Share)'],
    ['Bluesky Cardyb', 'Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)'],
    ['AhrefsBot', 'Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)'],
    ['AhrefsSiteAudit', 'Mozilla/5.0 (compatible; AhrefsSiteAudit/6.1)'],
    ['SemrushBot', 'Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)'],
    ['MJ12bot', 'Mozilla/5.0 (compatible; MJ12bot/v1.4.8; http://mj12bot.com/)'],
    ['DotBot', 'Mozilla/5.0 (compatible; DotBot/1.2; +https://opensiteexplorer.org/dotbot; help@moz.com)'],
    [
      'PetalBot',
      'Mozilla/5.0 (Linux; Android 7.0;) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; PetalBot;+https://webmaster.petalsearch.com/site/petalbot)',
    ],
    [
      'GPTBot',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.1; +https://openai.com/gptbot)',
    ],
    ['ChatGPT-User', 'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko); compatible; ChatGPT-User/1.0'],
    [
      'ClaudeBot',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)',
    ],
    ['CCBot', 'CCBot/2.0 (https://commoncrawl.org/faq/)'],
    [
      'PerplexityBot',
      'Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; PerplexityBot/1.0; +https://perplexity.ai/perplexitybot)',
    ],
    ['YouBot (a bot ending in "ubot")', 'Mozilla/5.0 (compatible; YouBot (+http://www.you.com))'],
    ['UptimeRobot', 'Mozilla/5.0+(compatible; UptimeRobot/2.0; http://www.uptimerobot.com/)'],
    ['Pingdom', 'Pingdom.com_bot_version_1.4_(http://www.pingdom.com/)'],
    [
      'PingdomTMS',
      'Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/534.34 (KHTML, like Gecko) PingdomTMS/0.8.5 Safari/534.34',
    ],
    ['StatusCake', 'Mozilla/5.0 (compatible; StatusCake)'],
    [
      'Site24x7',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/108.0.0.0 Safari/537.36 Site24x7',
    ],
  ];

  const BROWSERS: [string, string][] = [
    [
      'Chrome (Windows)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
    ],
    [
      'Chrome (Android)',
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
    ],
    [
      'Safari (macOS)',
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
    ],
    [
      'Safari (iPhone)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1',
    ],
    ['Firefox (Windows)', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0'],
    ['Firefox (Android)', 'Mozilla/5.0 (Android 14; Mobile; rv:127.0) Gecko/127.0 Firefox/127.0'],
    [
      'Edge (Windows)',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
    ],
    [
      'Samsung Internet',
      'Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36',
    ],
    [
      'DuckDuckGo browser',
      'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.179 Mobile DuckDuckGo/5 Safari/537.36',
    ],
    [
      'Instagram in-app (iOS)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 307.0.0.34.111 (iPhone15,3; iOS 17_1_2; en_US; en; scale=3.00; 1290x2796; 532277409)',
    ],
    [
      'Instagram in-app (Android)',
      'Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 Instagram 309.1.0.41.113 Android (33/13; 480dpi; 1080x2115; samsung; SM-S918B; dm3q; qcom; en_US; 541635890)',
    ],
    [
      'Facebook in-app (FBAN, iOS)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBDV/iPhone14,5;FBMD/iPhone;FBSN/iOS;FBSV/17.1;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/545438134]',
    ],
    [
      'Facebook in-app (Android)',
      'Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/118.0.5993.111 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/439.0.0.44.117;]',
    ],
    [
      'LINE in-app',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Safari Line/13.16.0',
    ],
    [
      'TikTok in-app',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/en Region/US isDarkMode/0 WKWebView/1 BytedanceWebview/d8a21c6',
    ],
    [
      'Google app (iOS)',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) GSA/288.0.576558793 Mobile/15E148 Safari/604.1',
    ],
    [
      'Pinterest in-app',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [Pinterest/iOS]',
    ],
    [
      'Cubot phone (Chrome)',
      'Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
    ],
    [
      'Cubot phone (WebView)',
      'Mozilla/5.0 (Linux; Android 12; CUBOT NOTE 30 Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36',
    ],
    [
      'Cubot phone (underscored model)',
      'Mozilla/5.0 (Linux; Android 9; Cubot_P30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/110.0.0.0 Mobile Safari/537.36',
    ],
    [
      'HeadlessChrome (automation, not a crawler)',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0.6478.126 Safari/537.36',
    ],
  ];

  it.each(CRAWLERS)('%s is a crawler in both builds', (_name, ua) => {
    expect(isCrawler({ ua })).toBe(true);
    expect(readFull({ ua }).device.type).toBe('bot');
    expect(readLite({ ua }).device.type).toBe('bot');
  });

  it.each(BROWSERS)('%s is not a crawler in either build', (_name, ua) => {
    expect(isCrawler({ ua })).toBe(false);
    expect(readFull({ ua }).device.type).not.toBe('bot');
    expect(readLite({ ua }).device.type).not.toBe('bot');
  });
});
