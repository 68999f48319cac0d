// The live event stream: one WebSocket per page, reconnecting with
// `?after=<last seq>` so no event is missed, re-dispatched as DOM events
// (`keel:event`) for whichever view is on the page.

let lastSeq = null;
let socket = null;
let retryMs = 500;

function url(ws) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const after = lastSeq === null ? '' : `?after=${lastSeq}`;
  return `${proto}//${location.host}/api/v1/workspaces/${encodeURIComponent(ws)}/events${after}`;
}

/** Connects to the workspace's stream and keeps it connected. `startSeq`
 *  is the last event the page already reflects (rendered into the page). */
export function connect(ws, onStatus = () => {}, startSeq = null) {
  if (lastSeq === null && Number.isFinite(startSeq)) lastSeq = startSeq;
  socket = new WebSocket(url(ws));
  socket.addEventListener('open', () => { retryMs = 500; onStatus('live'); });
  socket.addEventListener('message', (msg) => {
    const event = JSON.parse(msg.data);
    if (lastSeq !== null && event.seq <= lastSeq) return;
    lastSeq = event.seq;
    document.dispatchEvent(new CustomEvent('keel:event', { detail: event }));
  });
  socket.addEventListener('close', () => {
    onStatus('reconnecting');
    setTimeout(() => connect(ws, onStatus), retryMs);
    retryMs = Math.min(retryMs * 2, 10000);
  });
}
