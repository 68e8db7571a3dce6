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
    previews(livePage.dataset.live);
    return;
  }
  // The creator's public clips, as previews that sell the live. Their links are short-lived: a clip whose link ran out
  // before it was played (or while it played) gets a fresh one and goes on where it was.
  async function previews(live) {
    const response = await fetch('/v1/lives/' + live + '/previews', { cache: 'no-store' }).catch(() => null);
    if (!response || !response.ok) { return; }
    const clips = (await response.json()).data;
    if (!clips.length) { return; }
    const list = document.getElementById('preview-list');
    for (const clip of clips) {
      const figure = document.createElement('figure');
      figure.className = 'preview';
      const video = document.createElement('video');
      video.controls = true;
      video.preload = 'metadata';
      video.playsInline = true;
      video.src = clip.media;
      video.dataset.clip = clip.clipId;
      let renewed = 0;
      video.addEventListener('error', async () => {
        if (renewed++ > 3) { return; }
        const at = video.currentTime;
        const fresh = await fetch('/v1/lives/' + live + '/clips/' + clip.clipId, { cache: 'no-store' }).catch(() => null);
        if (!fresh || !fresh.ok) { return; }
        const playing = !video.paused;
        video.src = (await fresh.json()).media;
        video.currentTime = at;
        if (playing) { video.play().catch(() => {}); }
      });
      const caption = document.createElement('figcaption');
      const seconds = Math.round(clip.durationMillis / 1000);
      caption.textContent = clip.title + ' · ' + Math.floor(seconds / 60) + ':' + String(seconds % 60).padStart(2, '0');
      figure.append(video, caption);
      list.append(figure);
    }
    document.getElementById('previews').hidden = false;
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
