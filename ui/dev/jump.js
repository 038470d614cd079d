// DEV ONLY: lets dev/preview.html?screen=... open a screen directly for
// screenshots. main.js imports this only when the mock set __KIOSK_PREVIEW__.

import * as api from '../js/api.js';

const wait = (ms) => new Promise((r) => setTimeout(r, ms));

export async function jump(ctx, { screen, action }) {
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
