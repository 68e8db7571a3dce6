// The dashboard's Stage panel: the chosen live's green room and stage, run on ingest with a host token the API issues
// (POST /v1/creator/lives/{id}/stage-token). Guests appear with a live preview, their audio level and connection;
// the creator brings them on, sends them back, mutes them and picks the layout. Plain browser JavaScript.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const card = $('stage-card');
  const list = $('stage-guests');
  const state = { liveId: null, token: null, stage: null, expires: 0, guests: [], timer: null, error: null, ticks: 0 };
  window.stagepassStagePanel = state;

  async function hostToken(liveId) {
    const response = await fetch('/v1/creator/lives/' + encodeURIComponent(liveId) + '/stage-token', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json' }, body: '{}',
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.detail || 'HTTP ' + response.status);
    if (liveId !== state.liveId) throw new Error('another live was chosen meanwhile');
    state.token = body.token;
    state.stage = body.stage;
    state.listenUrl = body.listen;
    state.expires = Date.parse(body.expiresAt);
  }

  async function ingest(path, method, body) {
    if (!state.token || state.expires - Date.now() < 5 * 60 * 1000) await hostToken(state.liveId);
    const response = await fetch(state.stage + path, {
      method: method || 'GET', cache: 'no-store',
      headers: Object.assign({ Authorization: 'Bearer ' + state.token }, body ? { 'Content-Type': 'application/json' } : {}),
      body: body ? JSON.stringify(body) : undefined,
    });
    if (response.status === 421) {
      state.token = null; // the live streams through another ingest server: the next host token names it
      throw new Error('the stage moved with the live\'s stream to another server: reconnecting');
    }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || 'HTTP ' + response.status);
    }
    return response;
  }

  // A problem stays in view for a while: the next refresh does not wipe it.
  let noteUntil = 0;
  function note(text, sticky) {
    if (!sticky && Date.now() < noteUntil) return;
    if (sticky) noteUntil = Date.now() + 6000;
    $('stage-note').textContent = text;
  }

  function row(guest) {
    let li = list.querySelector('li[data-guest="' + guest.guestId + '"]');
    if (!li) {
      li = document.createElement('li');
      li.dataset.guest = guest.guestId;
      li.innerHTML = '<img class="stage-preview" alt=""><div class="stage-who"><strong class="stage-name"></strong>'
        + ' <span class="muted stage-tier"></span><div class="stage-level"><div></div></div>'
        + '<span class="muted stage-health"></span></div>'
        + '<div class="stage-actions"><button type="button" class="button stage-move"></button>'
        + '<button type="button" class="button stage-mute"></button>'
        + '<button type="button" class="button stage-listen">Listen</button>'
        + '<button type="button" class="button stage-remove">Remove</button></div>';
      li.querySelector('.stage-move').addEventListener('click', () => move(li.dataset.guest, { onStage: li.dataset.onStage !== 'true' }));
      li.querySelector('.stage-mute').addEventListener('click', () => move(li.dataset.guest, { muted: li.dataset.muted !== 'true' }));
      li.querySelector('.stage-listen').addEventListener('click', () => listen(li.dataset.guest));
      li.querySelector('.stage-remove').addEventListener('click', () => {
        const name = li.querySelector('.stage-name').textContent;
        if (window.confirm('Remove ' + name + ' from this live\'s stage? Their ticket cannot join it again.')) {
          move(li.dataset.guest, { remove: true });
        }
      });
      list.append(li);
    }
    li.dataset.onStage = String(guest.onStage);
    li.dataset.muted = String(guest.muted);
    li.querySelector('.stage-name').textContent = guest.name;
    li.querySelector('.stage-tier').textContent = (guest.onStage ? 'on stage' : 'green room')
      + (guest.source === 'encoder' ? ' · from an encoder' : '');
    li.querySelector('.stage-listen').textContent = hearing.guestId === guest.guestId ? 'Stop listening' : 'Listen';
    const level = Math.max(0, Math.min(100, (guest.audioLevelDb + 60) * 100 / 60));
    li.querySelector('.stage-level div').style.width = level + '%';
    li.querySelector('.stage-health').textContent = guest.problem ? guest.problem
      : (guest.connection === 'good' ? 'connection good' : 'connection stalled');
    li.querySelector('.stage-move').textContent = guest.onStage ? 'Send back' : 'Bring on stage';
    li.querySelector('.stage-mute').textContent = guest.muted ? 'Unmute' : 'Mute';
    return li;
  }

  async function preview(li) {
    try {
      const response = await ingest('/guests/' + encodeURIComponent(li.dataset.guest) + '/preview.jpg');
      const url = URL.createObjectURL(await response.blob());
      const img = li.querySelector('.stage-preview');
      if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
      img.dataset.url = url;
      img.src = url;
    } catch (e) { /* no picture yet */ }
  }

  function paint(stage) {
    state.guests = stage.guests;
    const seen = new Set();
    for (const guest of stage.guests) { seen.add(guest.guestId); preview(row(guest)); }
    for (const li of [...list.children]) {
      if (seen.has(li.dataset.guest)) continue;
      const img = li.querySelector('.stage-preview');
      if (img && img.dataset.url) URL.revokeObjectURL(img.dataset.url);
      li.remove();
    }
    $('stage-empty').hidden = stage.guests.length > 0;
    $('stage-layout').value = stage.layout;
    card.dataset.guests = String(stage.guests.length);
    card.dataset.onStage = String(stage.onStage);
    $('stage-count').textContent = stage.onStage + ' of ' + stage.maxOnStage + ' on stage';
  }

  // Who has been on stage, and when (the replay's chapters), from the API.
  async function appearances() {
    const response = await fetch('/v1/lives/' + encodeURIComponent(state.liveId) + '/stage/appearances',
      { credentials: 'same-origin', cache: 'no-store' });
    if (!response.ok) return;
    const body = await response.json();
    const list = $('stage-appearances');
    list.innerHTML = '';
    for (const chapter of body.appearances) {
      const li = document.createElement('li');
      li.textContent = chapter.title + (chapter.endSeconds === null ? ' (on stage now)' : '');
      list.append(li);
    }
    card.dataset.appearances = String(body.appearances.length);
  }

  // Hearing a guest before bringing them on: their sound from ingest (mono 16-bit PCM at 48 kHz over a WebSocket),
  // played through Web Audio with a fifth of a second of slack. One guest at a time.
  const hearing = { guestId: null, socket: null, audio: null, next: 0, samples: 0, crossings: 0, last: 0, rms: 0 };
  window.stagepassListening = hearing;

  function stopListening() {
    if (hearing.socket) hearing.socket.close(1000, 'the creator stopped listening');
    hearing.socket = null;
    hearing.guestId = null;
    if (hearing.gain) { hearing.gain.disconnect(); hearing.gain = null; } // what was scheduled stops at once
  }

  async function listen(guestId) {
    const again = hearing.guestId === guestId;
    stopListening();
    if (again) { refresh(); return; }
    // Made and resumed within the click, before anything is awaited: browsers let sound start only from a gesture.
    hearing.audio = hearing.audio || new AudioContext({ sampleRate: 48000 });
    hearing.audio.resume().catch(() => {});
    hearing.guestId = guestId;
    try {
      if (!state.token || state.expires - Date.now() < 5 * 60 * 1000) await hostToken(state.liveId);
    } catch (e) { note(e.message, true); hearing.guestId = null; return; }
    if (hearing.guestId !== guestId) return; // another click meanwhile
    const gain = hearing.audio.createGain();
    gain.connect(hearing.audio.destination);
    Object.assign(hearing, { gain: gain, next: 0, samples: 0, crossings: 0, last: 0, rms: 0 });
    const socket = new WebSocket(state.listenUrl);
    hearing.socket = socket;
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => socket.send(JSON.stringify({ token: state.token, guestId: guestId }));
    socket.onmessage = (event) => {
      if (hearing.socket !== socket || typeof event.data === 'string') return; // {"type":"listening",...}
      const pcm = new Int16Array(event.data);
      const block = hearing.audio.createBuffer(1, pcm.length, 48000);
      const samples = block.getChannelData(0);
      let sum = 0;
      for (let i = 0; i < pcm.length; i++) {
        const s = pcm[i] / 32768;
        samples[i] = s;
        sum += s * s;
        if ((s >= 0) !== (hearing.last >= 0)) hearing.crossings++;
        hearing.last = s;
      }
      hearing.samples += pcm.length;
      hearing.rms = Math.sqrt(sum / Math.max(1, pcm.length));
      // a pure tone crosses zero twice per period: what the creator hears, measured (the browser test reads it)
      hearing.frequencyHz = hearing.crossings * 48000 / 2 / hearing.samples;
      const source = hearing.audio.createBufferSource();
      source.buffer = block;
      source.connect(gain);
      const now = hearing.audio.currentTime;
      if (hearing.next < now + 0.05) hearing.next = now + 0.2; // fell behind: start again with some slack
      if (hearing.next > now + 1) return; // too far ahead: drop this block rather than pile sound up
      source.start(hearing.next);
      hearing.next += block.duration;
    };
    socket.onclose = (event) => {
      if (hearing.socket !== socket) return;
      hearing.socket = null;
      hearing.guestId = null;
      if (event.code !== 1000) note('cannot listen: ' + (event.reason || 'connection lost'), true);
      refresh();
    };
    refresh();
  }

  // What viewers see: the first picture of the program's newest segment (ingest makes them while this asks).
  async function program() {
    const img = $('stage-program');
    try {
      const response = await ingest('/program.jpg');
      const url = URL.createObjectURL(await response.blob());
      if (img.dataset.url) URL.revokeObjectURL(img.dataset.url);
      img.dataset.url = url;
      img.src = url;
      img.hidden = false;
      $('stage-program-note').textContent = 'What viewers see (the newest 2 s segment)';
    } catch (e) {
      img.hidden = true;
      $('stage-program-note').textContent = 'What viewers see appears here while you stream';
    }
  }

  async function refresh() {
    if (!state.liveId) return;
    if (++state.ticks % 3 === 1) appearances().catch(() => {});
    if (state.ticks % 2 === 1) program();
    try {
      const response = await ingest('');
      paint(await response.json());
      state.error = null;
      note('guests who bought a guest ticket join from their ticket page');
    } catch (e) {
      state.error = e.message;
      note('stage unavailable: ' + e.message);
    }
  }

  async function move(guestId, change) {
    try {
      paint(await (await ingest('/guests/' + encodeURIComponent(guestId), 'POST', change)).json());
    } catch (e) { note(e.message, true); }
  }

  $('stage-layout').addEventListener('change', async (event) => {
    try { paint(await (await ingest('/layout', 'PUT', { layout: event.target.value })).json()); } catch (e) { note(e.message, true); }
  });

  document.addEventListener('stagepass:live', (event) => {
    state.liveId = event.detail;
    state.token = null;
    stopListening();
    for (const img of list.querySelectorAll('.stage-preview')) { if (img.dataset.url) URL.revokeObjectURL(img.dataset.url); }
    list.innerHTML = '';
    clearInterval(state.timer);
    refresh();
    state.timer = setInterval(refresh, 1000);
  });
})();
