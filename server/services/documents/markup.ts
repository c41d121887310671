// A streaming scanner for HTML and XML markup in text (§7 v2). Text and CSV are refused when markup
// appears anywhere in them, and a PDF when it appears before its first object (an HTML/PDF polyglot):
// a recipient who saves such a file under an .html name and opens it runs it locally. The scanner
// reads text as a browser's tokenizer would, one chunk after another, keeping only a few dozen
// characters of state, so markup split across chunks is found and memory stays bounded.
//
// Refused: a tag of an element that runs script, loads content or frames a page (`<script`, `<svg`,
// `<iframe`, `<img`, `<meta`, `<form`, `<style` … and their closing tags); any tag with an event-handler
// attribute (`on…=`) or a value that is a script or HTML URL (`javascript:`, `data:text/html` …, also
// entity-encoded); a declaration (`<!doctype`, `<!entity`, `<![CDATA[`) or processing instruction
// (`<?xml`). A lone `<` in prose ("a < b", "<3") is text.

const DANGEROUS_ELEMENTS = new Set([
  'html',
  'head',
  'body',
  'script',
  'noscript',
  'style',
  'link',
  'meta',
  'base',
  'title',
  'iframe',
  'frame',
  'frameset',
  'noframes',
  'object',
  'embed',
  'applet',
  'param',
  'portal',
  'fencedframe',
  'svg',
  'math',
  'img',
  'image',
  'picture',
  'source',
  'video',
  'audio',
  'track',
  'canvas',
  'map',
  'area',
  'form',
  'input',
  'button',
  'textarea',
  'select',
  'option',
  'isindex',
  'keygen',
  'template',
  'slot',
  'xml',
  'xmp',
  'plaintext',
  'listing',
  'noembed',
  'marquee',
  'dialog',
  'details',
  'animate',
  'set',
  'use',
  'foreignobject',
  'handler',
  'xss',
]);
const EVENT_HANDLER = /^on[a-z]{3,}$/;
const SCRIPT_URL = /^(?:javascript|vbscript|livescript):|^data:(?:text\/html|image\/svg|application\/xhtml|text\/xml|application\/xml)/;
const ENCODED = /&(?:#|colon|tab|newline)/;
const NAME_MAX = 64;
const VALUE_HEAD = 40;

/** What a scanner looks for beyond dangerous elements, event handlers and script URLs. */
export interface MarkupRules {
  /** `<!doctype`, `<!entity`, `<![CDATA[`, `<?xml`: markup in text, but two bytes that random binary holds often. */
  declarations: boolean;
  /** Entity-encoded characters in an attribute value (`&#x09;`, `&colon;`), which hide a `javascript:`. */
  encodedValues: boolean;
}

type State = 'text' | 'open' | 'name' | 'declaration' | 'attributes' | 'valueStart' | 'value';

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
const isAsciiLetter = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

/** Feeds text through an HTML tokenizer's eyes and names the first markup it meets (or null). */
export class MarkupScanner {
  private state: State = 'text';
  private name = '';
  private declaration = '';
  private attribute = '';
  private attributeEnded = false;
  private quote = '';
  private value = '';
  private found: string | null = null;

  /** All rules apply to text; a PDF's binary header is scanned without the two that random bytes trip. */
  constructor(private readonly rules: MarkupRules = { declarations: true, encodedValues: true }) {}

  /** The markup found so far, e.g. "<script", or null. */
  get markup(): string | null {
    return this.found;
  }

  /** Ends the text: a tag name or value cut off by the end counts as if it were closed. */
  finish(): string | null {
    if (this.state === 'name') this.endName();
    if (this.state === 'value') this.checkValue();
    return this.found;
  }

  /** Scans the next piece of text; answers what it found (once found, it stays found). */
  feed(text: string): string | null {
    for (let i = 0; i < text.length && !this.found;) {
      if (this.state === 'text') {
        const next = text.indexOf('<', i);
        if (next < 0) break;
        this.state = 'open';
        i = next + 1;
        continue;
      }
      if (this.step(text[i]!)) i++;
    }
    return this.found;
  }

  /** One character in a markup state; false when the character must be read again in the new state. */
  private step(c: string): boolean {
    switch (this.state) {
      case 'open':
        // `</name` is checked as `<name` is.
        if (isAsciiLetter(c)) [this.state, this.name] = ['name', c.toLowerCase()];
        else if (c === '/' && this.name === '') this.name = '/';
        else if ((c === '!' || c === '?') && this.name === '') [this.state, this.declaration] = ['declaration', c];
        else {
          this.state = 'text';
          this.name = '';
          return c !== '<' || this.reopen();
        }
        return true;
      case 'name':
        if (isSpace(c) || c === '/' || c === '>') {
          this.endName();
          return this.afterName(c);
        }
        if (this.name.length < NAME_MAX) this.name += c.toLowerCase();
        return true;
      case 'declaration':
        return this.stepDeclaration(c);
      case 'attributes':
        return this.stepAttributes(c);
      case 'valueStart':
        if (isSpace(c)) return true;
        if (c === '>') return this.close();
        this.state = 'value';
        this.value = '';
        if (c === '"' || c === "'") {
          this.quote = c;
          return true;
        }
        this.quote = '';
        return false;
      case 'value':
        return this.stepValue(c);
      default:
        return true;
    }
  }

  private reopen(): boolean {
    this.state = 'open';
    return true;
  }

  private endName(): void {
    if (DANGEROUS_ELEMENTS.has(this.name)) this.found = `<${this.name}`;
  }

  private afterName(c: string): boolean {
    this.attribute = '';
    this.attributeEnded = false;
    if (c === '>') return this.close();
    this.state = 'attributes';
    return true;
  }

  private stepDeclaration(c: string): boolean {
    this.declaration += c.toLowerCase();
    const d = this.declaration;
    // `<?name`: a processing instruction (`<?xml`); `<!name` or `<![CDATA[`: a declaration. `<!--` is a comment.
    if (d.length === 2) {
      if (isAsciiLetter(c) && this.rules.declarations) this.found = `<${d}`;
      else if (d === '!-' || d === '![') return true;
      this.state = 'text';
      return c !== '<' || this.reopen();
    }
    if (d.startsWith('![')) {
      if ('![cdata['.startsWith(d)) {
        if (d === '![cdata[') this.found = this.rules.declarations ? '<![CDATA[' : null;
        else return true;
      }
    }
    this.state = 'text';
    return c !== '<' || this.reopen();
  }

  private stepAttributes(c: string): boolean {
    if (c === '>') return this.close();
    if (isSpace(c) || c === '/') {
      this.attributeEnded = this.attribute !== '';
      return true;
    }
    if (c === '=') {
      if (EVENT_HANDLER.test(this.attribute)) this.found = `${this.attribute}=`;
      this.attribute = '';
      this.attributeEnded = false;
      this.state = 'valueStart';
      return true;
    }
    if (this.attributeEnded) {
      this.attribute = '';
      this.attributeEnded = false;
    }
    if (this.attribute.length < NAME_MAX) this.attribute += c.toLowerCase();
    return true;
  }

  private stepValue(c: string): boolean {
    const ends = this.quote ? c === this.quote : isSpace(c) || c === '>';
    if (ends) {
      this.checkValue();
      this.state = 'attributes';
      if (this.quote) return true;
      return false;
    }
    // Browsers drop tabs and newlines inside URLs ("java\tscript:"): so does the check.
    if (this.value.length < VALUE_HEAD && !isSpace(c) && c > '\u001f') {
      this.value += c.toLowerCase();
      if (this.value.length === VALUE_HEAD) this.checkValue();
    }
    return true;
  }

  private checkValue(): void {
    if (SCRIPT_URL.test(this.value) || (this.rules.encodedValues && ENCODED.test(this.value))) this.found = `${this.value.slice(0, 16)}…`;
  }

  private close(): boolean {
    this.state = 'text';
    this.name = '';
    return true;
  }
}
