// Runs in the kiosk's web view (WebDriver "execute"): measures what a mechanic at arm's length
// depends on, on the screen as it is now. Returns plain JSON for tests/layouts.rs to judge.
// arguments[0]: CSS selectors of the key elements of this screen (each must be on screen).
const keySelectors = arguments[0] || [];
const vw = window.innerWidth;
const vh = window.innerHeight;

function visible(el) {
  if (el.closest('.sr-only, [aria-hidden="true"]')) return false;
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    if (cs.display === 'none' || cs.visibility === 'hidden' || Number(cs.opacity) === 0) return false;
  }
  return true;
}

function describe(el) {
  const id = el.getAttribute('data-testid');
  const cls = typeof el.className === 'string' ? el.className.split(/\s+/).slice(0, 2).join('.') : '';
  const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
  return `${el.tagName.toLowerCase()}${id ? `[${id}]` : ''}${cls ? `.${cls}` : ''} "${text}"`;
}

function rgba(str) {
  const m = str.match(/rgba?\(([^)]+)\)/);
  if (!m) return null;
  const p = m[1].split(',').map((x) => parseFloat(x));
  return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
}

function over(top, under) {
  const a = top.a;
  return { r: top.r * a + under.r * (1 - a), g: top.g * a + under.g * (1 - a), b: top.b * a + under.b * (1 - a), a: 1 };
}

// The colour behind an element: its own and its ancestors' background colours, blended.
// Returns null when an image (a gradient, a stripe pattern) lies behind it: not judged here.
function background(el) {
  const layers = [];
  for (let e = el; e; e = e.parentElement) {
    const cs = getComputedStyle(e);
    const c = rgba(cs.backgroundColor);
    if (c && c.a > 0) {
      layers.push(c);
      if (c.a >= 1) break;
    }
    if (cs.backgroundImage && cs.backgroundImage !== 'none' && !(c && c.a >= 1)) return null;
  }
  let bg = { r: 255, g: 255, b: 255, a: 1 };
  for (const c of layers.reverse()) bg = over(c, bg);
  return bg;
}

function luminance(c) {
  const ch = (v) => {
    const s = v / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * ch(c.r) + 0.7152 * ch(c.g) + 0.0722 * ch(c.b);
}

function contrast(a, b) {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

const smallText = [];
const lowContrast = [];
let textElements = 0;
for (const el of document.body.querySelectorAll('*')) {
  const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
  if (!ownText || !visible(el)) continue;
  textElements += 1;
  const cs = getComputedStyle(el);
  const size = parseFloat(cs.fontSize);
  if (size < 18) smallText.push(`${describe(el)} ${size}px`);
  // WCAG 2 AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold). Disabled controls are exempt.
  if (el.closest('button:disabled, [aria-disabled="true"], [aria-busy="true"], .is-busy')) continue;
  const fg = rgba(cs.color);
  const bg = background(el);
  if (!fg || !bg) continue;
  const large = size >= 24 || (size >= 18.66 && Number(cs.fontWeight) >= 700);
  const ratio = contrast(over(fg, bg), bg);
  if (ratio < (large ? 3 : 4.5)) lowContrast.push(`${describe(el)} ${ratio.toFixed(2)}:1`);
}

// Touch targets: every control a finger can reach, at least 64 px each way (keypad keys 72).
const smallTargets = [];
for (const el of document.body.querySelectorAll('button, a[href], input:not([type=hidden]), select, [role=button], [role=switch]')) {
  if (!visible(el)) continue;
  const r = el.getBoundingClientRect();
  // A checkbox or switch inside a label: the label is the target.
  const target = el.closest('label') || el;
  const t = target.getBoundingClientRect();
  if (Math.min(t.height, Math.max(t.width, r.width)) < 63.5) {
    smallTargets.push(`${describe(el)} ${Math.round(t.width)}x${Math.round(t.height)}`);
  }
}

// Every control has a name a screen reader can say, and nothing jumps the natural tab order
// (a positive tabindex would: focus then follows numbers, not the screen).
const unnamed = [];
for (const el of document.body.querySelectorAll('button, a[href], input:not([type=hidden]), select, [role=button], [role=img]')) {
  if (!visible(el)) continue;
  const name = (el.getAttribute('aria-label') || el.getAttribute('title') || '').trim() ||
    (el.getAttribute('aria-labelledby') ? 'x' : '') ||
    (el.labels && [...el.labels].map((l) => l.textContent).join('').trim()) ||
    (el.tagName === 'INPUT' ? (el.getAttribute('placeholder') || '').trim() : (el.textContent || '').trim());
  if (!name) unnamed.push(describe(el));
}
// A control's words must fit inside it (a long Dutch word can spill over its border).
const spilled = [];
for (const el of document.body.querySelectorAll('button, [role=button]')) {
  if (visible(el) && el.scrollWidth > el.clientWidth + 1) {
    spilled.push(`${describe(el)} ${el.scrollWidth}>${el.clientWidth}`);
  }
}
const positiveTabindex = [...document.querySelectorAll('[tabindex]')]
  .filter((el) => Number(el.getAttribute('tabindex')) > 0).map(describe);

const keys = keySelectors.map((sel) => {
  const el = [...document.querySelectorAll(sel)].find(visible);
  if (!el) return { sel, found: false };
  const r = el.getBoundingClientRect();
  return {
    sel,
    found: true,
    height: r.height,
    width: r.width,
    onScreen: r.left >= -0.5 && r.top >= -0.5 && r.right <= vw + 0.5 && r.bottom <= vh + 0.5,
  };
});

// Wider than the window anywhere a user could not scroll to (body and the shell clip).
const doc = document.documentElement;
const overflowX = Math.max(
  doc.scrollWidth - vw,
  ...[document.body, document.getElementById('main'), document.querySelector('.topbar')]
    .filter(Boolean).map((e) => e.scrollWidth - e.clientWidth),
);
return {
  vw, vh, lang: doc.lang, overflowX, textElements, smallText, lowContrast, smallTargets, unnamed,
  spilled, positiveTabindex, keys,
};
