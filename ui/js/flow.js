// The pickup / return / customer-pickup flow: action -> appointment ->
// (locker, for returns) -> PIN. Screens call these; errors are thrown to the
// screen whose button was tapped, so it can show them in place.

import * as api from './api.js';

export function createFlow(ctx) {
  const { state } = ctx;

  function current() {
    if (!state.flow) throw { kind: 'internal', local: true };
    return state.flow;
  }

  async function requestPin({ locker = null, noteId = null } = {}) {
    const flow = current();
    const request = { action: flow.action, appointmentId: flow.appointment.id };
    if (locker) request.lockerId = locker.id;
    if (noteId != null) request.noteId = noteId;
    const ticket = await api.requestPin(request);
    // The flow may have been abandoned (idle reset) while the request was out.
    if (state.flow !== flow) {
      api.cancelPin().catch(() => {});
      return;
    }
    flow.locker = locker;
    flow.noteId = noteId;
    flow.ticket = ticket;
    ctx.go('pin');
  }

  async function chooseAppointment(appointment) {
    const flow = current();
    flow.appointment = appointment;
    if (flow.action !== 'dropBack') {
      await requestPin();
      return;
    }
    const lockers = (await api.listLockers()).filter((l) => l && l.active !== false);
    if (state.flow !== flow) return;
    if (lockers.length === 0) throw { kind: 'internal', code: 'noLocker', local: true };
    flow.lockers = lockers;
    if (lockers.length === 1) {
      // One locker: nothing to choose. The PIN screen says which one it is.
      flow.lockerAuto = true;
      await requestPin({ locker: lockers[0] });
      return;
    }
    ctx.go('locker');
  }

  /** Start an action. With a scanned appointment waiting on Home, go straight on with it. */
  async function start(action, appointment = null) {
    state.flow = { action };
    if (appointment) {
      await chooseAppointment(appointment);
      return;
    }
    ctx.go('appointment');
  }

  function reset() {
    state.flow = null;
  }

  return { start, chooseAppointment, requestPin, reset, current };
}
