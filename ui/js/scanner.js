// Barcode scanner input: scanners "type" the code as a fast burst of digits
// followed by Enter. We capture such bursts anywhere outside text inputs.

const MAX_GAP_MS = 80;  // scanners type a key every few ms; people are much slower
const MIN_DIGITS = 2;  // a lone digit + Enter is more likely a stray key than a code
const MAX_DIGITS = 12;

function isTextTarget(target) {
  if (!target || !(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag !== 'INPUT') return false;
  const type = (target.getAttribute('type') || 'text').toLowerCase();
  return !['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color'].includes(type);
}

/**
 * createScanner({ isActive: () => bool, onScan: (number) => void })
 * isActive decides per keystroke (e.g. only on Home and the appointment screen).
 */
export function createScanner({ isActive, onScan }) {
  let buffer = '';
  let last = 0;
  let burstOk = true;

  function reset() {
    buffer = '';
    burstOk = true;
  }

  window.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.altKey || e.metaKey) return;
    if (isTextTarget(e.target) || !isActive()) {
      reset();
      return;
    }
    const now = e.timeStamp || performance.now();
    const gap = now - last;
    last = now;
    if (/^[0-9]$/.test(e.key)) {
      // A slow key starts a new burst: only the digits typed at scanner speed count.
      if (buffer && gap > MAX_GAP_MS) reset();
      if (buffer.length >= MAX_DIGITS) burstOk = false;
      buffer += e.key;
      e.preventDefault();
      return;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      const code = buffer;
      const fast = burstOk && gap <= MAX_GAP_MS * 3;
      reset();
      if (code.length >= MIN_DIGITS && code.length <= MAX_DIGITS && fast) {
        e.preventDefault();
        const id = Number.parseInt(code, 10);
        if (Number.isSafeInteger(id) && id > 0) onScan(id);
      }
      return;
    }
    if (e.key !== 'Shift') reset();
  }, { capture: true });
}
