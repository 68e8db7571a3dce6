// The ticket pages: the public page counts its visit (an anonymous page_view beacon, for the creator's conversion);
// the page Stripe sends buyers back to waits for the ticket the webhook makes, then shows the watch link.
(function () {
  'use strict';
  const livePage = document.getElementById('live-page');
  if (livePage) {
    const session = crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2);
    fetch(livePage.dataset.beacons + '/v1/beacons', {
      method: 'POST',
      headers: { 'Authorization': 'Bearer ' + livePage.dataset.token, 'Content-Type': 'application/json' },
      body: JSON.stringify([{ type: 'page_view', sessionId: session, mode: 'page', positionMs: 0 }]),
      keepalive: true
    }).catch(() => {});
    const notice = document.getElementById('notice');
    if (!notice.textContent.trim()) { notice.hidden = true; }
    return;
  }
  const page = document.getElementById('ticket-page');
  if (!page) { return; }
  const url = '/v1/lives/' + page.dataset.live + '/tickets/' + encodeURIComponent(page.dataset.ticket);
  const started = Date.now();
  async function check() {
    try {
      const response = await fetch(url, { cache: 'no-store' });
      const ticket = await response.json();
      if (ticket.status === 'granted') {
        document.getElementById('pending').hidden = true;
        document.getElementById('granted').hidden = false;
        if (ticket.watchUrl) {
          document.getElementById('watch').href = ticket.watchUrl;
        } else { // another browser than the one that paid: the ticket stands, its link is not given here
          document.getElementById('watch').hidden = true;
          document.getElementById('elsewhere').hidden = false;
        }
        page.dataset.status = 'granted';
        return;
      }
      if (ticket.status === 'revoked') {
        document.getElementById('pending').hidden = true;
        document.getElementById('revoked').hidden = false;
        document.getElementById('revoked-reason').textContent = 'This ticket no longer lets you watch: ' + ticket.detail + '.';
        page.dataset.status = 'revoked';
        return;
      }
    } catch (e) {
      // the network blinked: try again below
    }
    if (Date.now() - started > 20000) { document.getElementById('slow').hidden = false; }
    setTimeout(check, Date.now() - started > 120000 ? 5000 : 1000);
  }
  check();
})();
