// A guest's stage page: camera and microphone to ingest's green room over a WebSocket (MediaRecorder's WebM chunks),
// and what the creator decides (green room, on stage, muted) back.
(function () {
  'use strict';
  const page = document.getElementById('stage-page');
  const liveId = page.dataset.live;
  const token = page.dataset.token;
  const preview = document.getElementById('preview');
  const place = document.getElementById('place');
  const nameInput = document.getElementById('name');
  const enter = document.getElementById('enter');
  const leave = document.getElementById('leave');
  const problem = document.getElementById('problem');
  const TIMESLICE_MS = 250; // chunks this long reach the stage about this much after they are captured
  const MIME = ['video/webm;codecs=vp8,opus', 'video/webm;codecs=h264,opus', 'video/webm']
    .find((type) => window.MediaRecorder && MediaRecorder.isTypeSupported(type));
  let media = null;
  let socket = null;
  let recorder = null;
  let leaving = false;
  let moves = []; // when the stage moved with the creator's stream to another ingest server: a few, then no more
  let rejoin = null;

  window.stagepassStage = { state: 'idle', guestId: null, onStage: false, muted: false, closed: null };

  function say(text, onStage) {
    place.textContent = text;
    place.classList.toggle('on-stage', !!onStage);
  }

  function fail(text) {
    problem.textContent = text;
    problem.hidden = false;
  }

  async function camera() {
    if (media) return media;
    media = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: 640 }, height: { ideal: 360 }, frameRate: { ideal: 30 } },
      // Echo cancellation for a guest without headphones; no noise suppression: it takes steady sounds for noise
      // (an instrument, a singing bowl), and the creator can mute a guest whose room is loud.
      audio: { echoCancellation: true, noiseSuppression: false },
    });
    preview.srcObject = media;
    return media;
  }

  async function join() {
    problem.hidden = true;
    const name = nameInput.value.trim();
    if (!name) {
      fail('Give your name first: viewers see it beside you.');
      nameInput.focus();
      return;
    }
    if (!MIME) {
      fail('This browser cannot record video for the stage (no MediaRecorder with WebM): use a current Chrome, Edge or Firefox.');
      return;
    }
    enter.disabled = true;
    try {
      await camera();
    } catch (e) {
      enter.disabled = false;
      fail('The stage needs your camera and microphone: allow them for this page (' + e.name + ').');
      return;
    }
    let ticket;
    try {
      const response = await fetch('/v1/lives/' + encodeURIComponent(liveId) + '/stage/join', {
        method: 'POST', headers: { Authorization: 'Bearer ' + token },
      });
      ticket = await response.json();
      if (!response.ok) throw new Error(ticket.detail || response.statusText);
    } catch (e) {
      enter.disabled = false;
      fail('You cannot join the stage: ' + e.message);
      return;
    }
    connect(ticket, name);
  }

  function connect(ticket, name) {
    leaving = false;
    socket = new WebSocket(ticket.websocket);
    socket.binaryType = 'arraybuffer';
    socket.onopen = () => {
      socket.send(JSON.stringify({ token: ticket.token, name: name }));
    };
    socket.onmessage = (event) => {
      if (typeof event.data !== 'string') { feed.append(event.data); return; }
      const message = JSON.parse(event.data);
      if (message.type === 'feed') { feed.start(message.mime, message.startedAt); return; }
      if (message.type === 'welcome') {
        window.stagepassStage.state = 'green-room';
        window.stagepassStage.guestId = message.guestId;
        say('In the green room: the creator can see you and your sound level.', false);
        enter.hidden = true;
        leave.hidden = false;
        record();
      } else if (message.type === 'state') {
        window.stagepassStage.onStage = message.onStage;
        window.stagepassStage.muted = message.muted;
        window.stagepassStage.state = message.onStage ? 'on-stage' : 'green-room';
        say(message.onStage
          ? (message.muted ? 'You are on stage, muted by the creator.' : 'You are on stage: viewers see and hear you.')
          : 'In the green room: the creator can see you and your sound level.', message.onStage);
      }
    };
    socket.onclose = (event) => {
      stopRecording();
      moves = moves.filter((at) => Date.now() - at < 120000);
      if (event.code === 4421 && !leaving && moves.length < 5) {
        // The creator's stream goes through another ingest server now: join again, the API sends us there.
        moves.push(Date.now());
        say('The stage moved with the creator\'s stream: joining again...', false);
        rejoin = setTimeout(() => { rejoin = null; if (!leaving) join(); }, 1000);
        return;
      }
      window.stagepassStage.state = 'closed';
      window.stagepassStage.closed = { code: event.code, reason: event.reason };
      enter.hidden = false;
      enter.disabled = false;
      leave.hidden = true;
      say('Not in the green room.', false);
      if (!leaving) fail(event.reason || 'The connection to the stage was lost: enter again.');
    };
  }

  function record() {
    recorder = new MediaRecorder(media, { mimeType: MIME, videoBitsPerSecond: 1000000, audioBitsPerSecond: 64000 });
    recorder.ondataavailable = (event) => {
      if (!socket || socket.readyState !== WebSocket.OPEN || event.data.size === 0) return;
      if (socket.bufferedAmount > 4 * 1024 * 1024) {
        fail('Your connection is too slow for the stage: the creator sees your picture freeze.');
      }
      socket.send(event.data); // a Blob: sent in the order recorded
    };
    recorder.start(TIMESLICE_MS);
  }

  function stopRecording() {
    if (recorder && recorder.state !== 'inactive') recorder.stop();
    recorder = null;
  }

  // The creator's feed, back with low delay: fragmented MP4 from ingest into Media Source Extensions, kept near the
  // live edge (a player that falls behind skips ahead rather than lag the conversation).
  const returned = document.getElementById('returned');
  const feed = {
    source: null, buffer: null, queue: [], mime: null, startedAt: 0,
    start(mime, startedAt) {
      this.mime = mime;
      this.startedAt = startedAt; // when the feed's first frame reached ingest: each frame's delay is measured from it
      this.queue = [];
      this.buffer = null;
      if (!window.MediaSource || !MediaSource.isTypeSupported(mime)) {
        fail('This browser cannot play the creator\'s feed (' + mime + '): you are still seen and heard.');
        return;
      }
      this.source = new MediaSource();
      returned.src = URL.createObjectURL(this.source);
      this.source.addEventListener('sourceopen', () => {
        this.buffer = this.source.addSourceBuffer(mime);
        this.buffer.mode = 'segments';
        this.buffer.addEventListener('updateend', () => this.pump());
        this.pump();
      }, { once: true });
    },
    append(data) {
      this.queue.push(data);
      this.pump();
    },
    pump() {
      if (!this.buffer || this.buffer.updating) return;
      const ranges = this.buffer.buffered;
      if (ranges.length) {
        const end = ranges.end(ranges.length - 1);
        if (end - returned.currentTime > 1.0) returned.currentTime = Math.max(ranges.start(ranges.length - 1), end - 0.3);
        if (returned.currentTime - ranges.start(0) > 30) { this.buffer.remove(0, returned.currentTime - 10); return; }
        if (returned.paused) returned.play().catch(() => {});
      }
      const next = this.queue.shift();
      if (next) {
        try { this.buffer.appendBuffer(next); } catch (e) { this.queue = []; }
      }
      window.stagepassStage.returnFeed = { mime: this.mime, time: returned.currentTime,
        buffered: ranges.length ? ranges.end(ranges.length - 1) : 0,
        // from the frame's arrival at ingest to its showing here (one machine, one clock in tests)
        delayMs: Date.now() - (this.startedAt + returned.currentTime * 1000) };
    },
  };

  // A guest stage key for OBS or a phone app: the stage reads their RTMP stream as it reads this page's camera.
  const getKey = document.getElementById('get-key');
  async function encoderKey() {
    problem.hidden = true;
    const name = nameInput.value.trim();
    if (!name) {
      fail('Give your name first: viewers see it beside you.');
      nameInput.focus();
      return;
    }
    getKey.disabled = true;
    try {
      const response = await fetch('/v1/lives/' + encodeURIComponent(liveId) + '/stage/encoder', {
        method: 'POST',
        headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
        body: JSON.stringify({ name: name }),
      });
      const key = await response.json();
      if (!response.ok) throw new Error(key.detail || key.title || response.statusText);
      document.getElementById('key-server').textContent = key.server;
      document.getElementById('key-stream').textContent = key.streamKey;
      document.getElementById('key-expires').textContent = new Date(key.expiresAt).toLocaleString();
      document.getElementById('key-settings').textContent = key.video + '; ' + key.audio;
      document.getElementById('key').hidden = false;
      window.stagepassStage.encoderKey = key;
    } catch (e) {
      fail('No stream key: ' + e.message);
    } finally {
      getKey.disabled = false;
    }
  }
  getKey.addEventListener('click', encoderKey);
  document.getElementById('copy-key').addEventListener('click', () => {
    navigator.clipboard.writeText(document.getElementById('key-stream').textContent).catch(() => {});
  });

  enter.addEventListener('click', join);
  leave.addEventListener('click', () => {
    leaving = true;
    if (rejoin) { // between a move and joining again: nothing is open, so the page returns to its start
      clearTimeout(rejoin);
      rejoin = null;
      enter.hidden = false;
      enter.disabled = false;
      leave.hidden = true;
      say('Not in the green room.', false);
    }
    stopRecording();
    if (socket) socket.close(1000, 'the guest left');
  });
})();
