// DEV ONLY: lets the preview (?screen=...) open a screen directly for screenshots.
// serve.mjs loads it before js/main.js; main.js hands over its context with a
// `kiosk:preview` event when the mock set __KIOSK_PREVIEW__.

// The same module (same URL) main.js uses, so both talk to one mock.
import * as api from '/js/api.js';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

async function jump(ctx, { screen, action }) {
  switch (screen) {
    case 'appointment':
      ctx.state.flow = { action: action || 'pickup' };
      ctx.go('appointment');
      break;
    case 'locker':
      await ctx.flow.start('dropBack', await api.findAppointment(1003));
      break;
    case 'pin':
    case 'pin-success':
    case 'pin-expired': {
      const a = action || 'pickup';
      const id = a === 'dropBack' ? 1002 : 1001;
      await ctx.flow.start(a, await api.findAppointment(id));
      if (screen === 'pin-success') {
        await wait(100);
        await api.simulateDoor();
      }
      if (screen === 'pin-expired') window.__mockTauri.emit('pin://expired', { appointmentId: id });
      break;
    }
    case 'pin-nopin':
      await ctx.flow.start('pickup', await api.findAppointment(1002));
      break;
    case 'activity':
    case 'settings':
    case 'home':
      ctx.go(screen);
      break;
    default:
      console.warn('unknown preview screen', screen);
  }
}

window.addEventListener('kiosk:preview', (e) => {
  jump(e.detail, window.__KIOSK_PREVIEW__).catch((err) => console.error(err));
});
