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
      audio: { echoCancellation: true, noiseSuppression: true },
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
      const message = JSON.parse(event.data);
      if (message.type === 'welcome') {
        window.stagepassStage.state = 'green-room';
        window.stagepassStage.guestId = message.guestId;
        say('In the green room: the creator can see and hear you.', false);
        enter.hidden = true;
        leave.hidden = false;
        record();
      } else if (message.type === 'state') {
        window.stagepassStage.onStage = message.onStage;
        window.stagepassStage.muted = message.muted;
        window.stagepassStage.state = message.onStage ? 'on-stage' : 'green-room';
        say(message.onStage
          ? (message.muted ? 'You are on stage, muted by the creator.' : 'You are on stage: viewers see and hear you.')
          : 'In the green room: the creator can see and hear you.', message.onStage);
      }
    };
    socket.onclose = (event) => {
      stopRecording();
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

  enter.addEventListener('click', join);
  leave.addEventListener('click', () => {
    leaving = true;
    stopRecording();
    if (socket) socket.close(1000, 'the guest left');
  });
})();
