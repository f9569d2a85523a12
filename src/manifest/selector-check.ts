/**
 * CSS selector check for Node (the CLI), where there is no DOM to ask. css-what is the
 * selector parser cheerio uses; it catches the mistakes marketers make (`##hero`, `a[href`,
 * `.`), though not every selector a browser would refuse. Never imported by browser code.
 */
import { parse } from 'css-what';

export function cssWhatSelectorCheck(selector: string): boolean {
  try {
    return parse(selector).every((group) => group.length > 0) && !/[>+~,]\s*$/.test(selector.trim());
  } catch {
    return false;
  }
}
