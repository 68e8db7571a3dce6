// The Stagepass player: hls.js on the replay API's playlists, the thumbnail track on the scrub bar, resume where
// this ticket stopped, and the viewer beacons ingest counts (a beacon token of their own, short-lived and renewed with
// every playback check: it can report, never play). No build step: plain browser JavaScript.
(function () {
  'use strict';
  const root = document.getElementById('player');
  const live = root.dataset.live;
  let token = root.dataset.token;
  let beaconToken = root.dataset.beaconToken;
  const beaconUrl = root.dataset.beacons + '/v1/beacons';
  const video = document.getElementById('video');
  const $ = (id) => document.getElementById(id);
  const resumeKey = 'stagepass.position.' + live + '.' + root.dataset.viewer; // an opaque ref: tokens say nothing
  const session = (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
  // This page's screen: the ticket's lease on it is renewed by every playlist and playback check (at most N screens).
  const screen = 's' + session.replace(/[^A-Za-z0-9]/g, '').slice(0, 31);
  const playbackQuery = () => '?token=' + encodeURIComponent(token) + '&screen=' + screen;
  let info = null;
  let hls = null;
  let cues = [];
  let started = false;
  let heartbeat = null;

  const links = { renewed: 0, reloads: 0 }; // playlists fetched again for fresh links; reloads after a refused link
  window.stagepass = {
    get info() { return info; }, get hls() { return hls; }, get cues() { return cues; }, links: links,
    behindLive: () => behindLive(), quality: () => measured(),
  };

  // How playback goes, as this page measures it and reports it with its beacons: the time from the play request to
  // the first frame, stalls while playing (a seek's wait is not one) and their time, the rendition on screen, and a
  // failure: a fatal error the player has not recovered from within 30 s (or the page left meanwhile).
  const FAILURE_GRACE_MS = 30000;
  const quality = { requestedAt: null, startupMs: null, rebuffers: 0, rebufferMs: 0, stalledAt: null, pending: null, failure: null, mode: null };
  // The figures are per mode: the live and its replay are two sessions to the audience job, so when this page goes on
  // from the live to the replay, the replay's stalls count from zero (the live's stay with the live).
  function qualityFor(current) {
    if (quality.mode !== current) {
      quality.mode = current;
      quality.rebuffers = 0;
      quality.rebufferMs = 0;
      if (quality.stalledAt !== null) { quality.stalledAt = performance.now(); }
    }
  }
  function measured() {
    return {
      startupMs: quality.startupMs === null ? null : Math.min(quality.startupMs, 600000), // what ingest accepts
      rebuffers: Math.min(quality.rebuffers, 100000),
      rebufferMs: Math.min(86400000, quality.rebufferMs + (quality.stalledAt === null ? 0 : Math.round(performance.now() - quality.stalledAt))),
      stalled: quality.stalledAt !== null,
      rendition: video.videoHeight > 0 ? video.videoHeight + 'p' : null,
      failure: quality.failure,
    };
  }
  function endStall() {
    if (quality.stalledAt === null) { return false; }
    quality.rebufferMs += Math.round(performance.now() - quality.stalledAt);
    quality.stalledAt = null;
    return true;
  }
  // A fatal error starts the clock; playback moving again stops it; after 30 s it is a failure, reported once.
  function failing(reason) {
    if (quality.failure || quality.pending || (started && video.paused)) { return; } // a paused viewer is not failed
    quality.pending = { reason: reason, at: video.currentTime, timer: setTimeout(() => failed(reason), FAILURE_GRACE_MS) };
  }
  function recovered() {
    if (quality.pending) { clearTimeout(quality.pending.timer); quality.pending = null; }
  }
  function failed(reason, leaving) {
    if (quality.failure) { return; }
    recovered();
    quality.failure = reason;
    beacon('playback_failure', { reason: reason, leaving: leaving });
    if (heartbeat) { clearInterval(heartbeat); heartbeat = null; } // a player that gave up is not watched
  }
  function failureReason(data) {
    const details = String(data.details || '');
    if (data.type === Hls.ErrorTypes.NETWORK_ERROR) {
      if (/^(manifest|level|audioTrack)/.test(details)) { return 'playlist-unreachable'; }
      if (/^(frag|key|init)/.test(details)) { return 'segment-unreachable'; }
      return 'other';
    }
    return data.type === Hls.ErrorTypes.MEDIA_ERROR ? 'media-error' : 'other';
  }

  // DVR: while the live runs, the playlist reaches back to its start (or the creator's window), so the scrub bar spans
  // what can be played (the seekable range) and LIVE jumps back to the edge. Seconds behind the point a player at the
  // live edge plays (hls.js keeps 3 target durations back), 0 when there.
  function behindLive() {
    if (!info || info.mode !== 'live') { return 0; }
    if (hls && hls.liveSyncPosition !== null && hls.liveSyncPosition !== undefined) {
      return Math.max(0, hls.liveSyncPosition - video.currentTime);
    }
    const s = video.seekable;
    return s.length ? Math.max(0, s.end(s.length - 1) - 10 - video.currentTime) : 0;
  }
  function goLive() {
    const target = hls && hls.liveSyncPosition ? hls.liveSyncPosition
      : (video.seekable.length ? video.seekable.end(video.seekable.length - 1) - 10 : null);
    if (target !== null) { video.currentTime = Math.max(0, target); video.play().catch(() => {}); }
  }
  // What the scrub bar spans: the seekable range of a live, the whole replay otherwise.
  function span() {
    const s = video.seekable;
    if (info && info.mode === 'live' && s.length) { return { start: s.start(0), end: s.end(s.length - 1) }; }
    return { start: 0, end: video.duration };
  }

  // Object links live 2 minutes (STAGEPASS_SIGNED_URL_TTL). hls.js loads a replay's media playlist once, so before it
  // fetches a segment whose link is about to run out, the playlist that listed it is fetched again (with the current
  // token) and the segment's fresh link is used instead: playback never meets an expired link. One that expired
  // anyway (a laptop asleep) is refused, and the error handler reloads the player at the same position.
  let serverSkewMs = 0; // the server's clock minus this one's, from the Date of each playback check
  const renewals = new Map(); // playlist path and rendition -> { expires, links: Promise<Map<object path, fresh link>> }

  function linkExpiry(url) {
    const m = /[?&]e=(\d+)/.exec(url);
    return m ? Number(m[1]) * 1000 : null;
  }
  function serverNow() { return Date.now() + serverSkewMs; }
  // A playlist fetched again serves the segments after it while its links have more than this left: 20 s, or a
  // third of their life when links are that short.
  function renewMargin(lifeMs) { return Math.min(20000, lifeMs / 3); }

  function freshLinks(playlistUrl) {
    const url = new URL(playlistUrl, location.href);
    if (url.searchParams.has('token')) { url.searchParams.set('token', token); } // the token renewed meanwhile
    // A live's reloads ask for delta updates, which leave out older segments: renewal needs the whole list.
    for (const directive of ['_HLS_skip', '_HLS_msn', '_HLS_part']) { url.searchParams.delete(directive); }
    // A rendition's live playlist has the same path as the source's: the rendition is part of the key.
    const key = url.pathname + '?' + (url.searchParams.get('rendition') || '');
    const cached = renewals.get(key);
    if (cached && cached.expires - serverNow() > cached.margin) { return cached.links; }
    const entry = { expires: Infinity, margin: 0, links: null };
    const fetchedAt = serverNow();
    entry.links = fetch(url.toString(), { cache: 'no-store' })
      .then((response) => {
        if (!response.ok) { throw new Error('playlist: HTTP ' + response.status); }
        return response.text();
      })
      .then((text) => {
        const map = new Map();
        for (const raw of text.split('\n')) {
          const line = raw.trim();
          const uris = line.startsWith('#') ? Array.from(line.matchAll(/URI="([^"]+)"/g), (m) => m[1]) : (line ? [line] : []);
          for (const uri of uris) {
            const link = new URL(uri, url);
            map.set(link.pathname, link.toString());
            const expires = linkExpiry(link.search);
            if (expires !== null && expires < entry.expires) {
              entry.expires = expires;
              entry.margin = renewMargin(expires - fetchedAt);
            }
          }
        }
        links.renewed++;
        return map;
      });
    entry.links.catch(() => renewals.delete(key));
    renewals.set(key, entry);
    return entry.links;
  }

  // hls.js's own loader, asked first for a fresh link when a segment's is about to run out.
  function renewingLoader(Base) {
    return class extends Base {
      load(context, config, callbacks) {
        this.cancelled = false;
        const expires = linkExpiry(context.url);
        const playlist = context.frag && context.frag.baseurl;
        const left = expires === null ? Infinity : expires - serverNow();
        if (!playlist || left > 20000) {
          super.load(context, config, callbacks);
          return;
        }
        freshLinks(playlist)
          .then((map) => {
            const fresh = map.get(new URL(context.url, location.href).pathname);
            if (fresh) { context.url = fresh; }
          }, () => {})
          .then(() => {
            // hls.js may have given up on this load meanwhile (a seek, a flush): starting it now would answer a
            // request nobody waits for any more.
            if (!this.cancelled) { super.load(context, config, callbacks); }
          });
      }

      abort() {
        this.cancelled = true;
        super.abort();
      }

      destroy() {
        this.cancelled = true;
        super.destroy();
      }
    };
  }

  function mode() { return info && info.mode === 'replay' ? 'replay' : 'live'; }

  // Beacons: VIEW_START, a HEARTBEAT every 10 s, PAUSE and SEEK, VIEW_END when the page goes away; REBUFFER when a
  // stall ends, PLAYBACK_FAILURE, EXIT_BEFORE_START. Every player beacon carries the stall figures so far (cumulative,
  // so a lost one is made up by the next) and the rendition on screen.
  function beacon(type, options) {
    const o = options || {};
    const event = { type: type, sessionId: screen, mode: o.mode || mode(), positionMs: Math.round((video.currentTime || 0) * 1000) };
    if (type !== 'page_view') {
      qualityFor(event.mode);
      const m = measured();
      event.rebuffers = m.rebuffers;
      event.rebufferMs = m.rebufferMs;
      if (m.rendition) { event.rendition = m.rendition; }
      if (type === 'view_start' && m.startupMs !== null) { event.startupMs = m.startupMs; }
      if (o.reason) { event.reason = o.reason; }
    }
    const body = JSON.stringify([event]);
    if ((type === 'view_end' || o.leaving) && navigator.sendBeacon) {
      navigator.sendBeacon(beaconUrl + '?token=' + encodeURIComponent(beaconToken), body);
      return;
    }
    fetch(beaconUrl, { method: 'POST', headers: { 'Authorization': 'Bearer ' + beaconToken, 'Content-Type': 'application/json' }, body: body, keepalive: true })
      .catch(() => {});
  }

  async function loadInfo(takeOver) {
    const response = takeOver
      ? await fetch('/v1/lives/' + live + '/playback/takeover' + playbackQuery(), { method: 'POST', cache: 'no-store' })
      : await fetch('/v1/lives/' + live + '/playback' + playbackQuery(), { cache: 'no-store' });
    if (response.status === 409) { // the ticket plays on as many screens as it may: offer to move here
      const problem = await response.json().catch(() => ({ detail: 'This ticket is playing on other screens.' }));
      busy(problem.detail);
      return null;
    }
    if (response.status === 401 || response.status === 403) {
      const problem = await response.json().catch(() => ({ detail: 'You may not watch this live.' }));
      refuse(problem.detail);
      return null;
    }
    if (!response.ok) {
      throw new Error('playback info: HTTP ' + response.status);
    }
    const date = Date.parse(response.headers.get('Date') || '');
    if (!isNaN(date)) { serverSkewMs = date - Date.now(); }
    const body = await response.json();
    if (body.beaconToken) { beaconToken = body.beaconToken; }
    if (body.token) { token = body.token; } // renewed while the ticket stands
    return body;
  }

  function busy(reason) {
    if (hls) { hls.destroy(); hls = null; }
    video.pause();
    $('overlay-text').textContent = reason.charAt(0).toUpperCase() + reason.slice(1) + '.';
    $('take-over').hidden = false;
    $('overlay').hidden = false;
    $('status').textContent = 'Playing on another screen.';
    root.dataset.busy = 'true';
  }

  $('take-over').addEventListener('click', async () => {
    const next = await loadInfo(true);
    if (!next) { return; }
    $('take-over').hidden = true;
    $('overlay').hidden = true;
    root.dataset.busy = 'false';
    info = next;
    attach(resumeAt());
    video.play().catch(() => {});
  });

  // Where this ticket stopped watching the replay in this browser (saved every 5 s), if it is worth resuming.
  function resumeAt() {
    const saved = Number(localStorage.getItem(resumeKey) || 0);
    return info.mode === 'replay' && saved > 5 && (!info.durationMillis || saved < info.durationMillis / 1000 - 10) ? saved : 0;
  }

  function refuse(reason) {
    if (hls) { hls.destroy(); hls = null; }
    video.pause();
    video.removeAttribute('src');
    $('overlay-text').textContent = 'Playback stopped: ' + reason;
    $('overlay').hidden = false;
    $('status').textContent = reason;
    root.dataset.refused = 'true';
  }

  function attach(startAt) {
    if (hls) { hls.destroy(); hls = null; }
    $('badge').textContent = info.mode === 'live' ? 'Live' : info.mode === 'ended' ? 'Just ended' : 'Replay';
    $('badge').className = 'badge ' + info.mode;
    $('go-live').hidden = info.mode !== 'live';
    $('duration').hidden = info.mode === 'live';
    if (info.poster) { video.poster = info.poster; }
    if (info.download) { $('download').href = info.download; $('download').hidden = false; }
    if (window.Hls && Hls.isSupported()) {
      // liveDurationInfinity: during a live, hls.js then sets the seekable range to what the playlist holds (a DVR
      // window starts after 0), which the scrub bar spans.
      hls = new Hls({ startPosition: startAt > 0 ? startAt : -1, liveDurationInfinity: true, fLoader: renewingLoader(Hls.DefaultConfig.loader) });
      hls.on(Hls.Events.ERROR, (event, data) => {
        const code = data.response && data.response.code;
        if (code === 401 || code === 403 || code === 409) {
          // An expired link or a revoked ticket: fresh links, or the reason we may not play.
          reload(video.currentTime);
        } else if (data.fatal && data.type === Hls.ErrorTypes.NETWORK_ERROR) {
          failing(failureReason(data));
          setTimeout(() => hls && hls.startLoad(), 2000);
        } else if (data.fatal) {
          failing(failureReason(data));
          hls.recoverMediaError();
        }
      });
      hls.on(Hls.Events.FRAG_LOADED, recovered); // media arrives again: whatever failed has recovered
      hls.loadSource(info.master);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = info.master; // Safari plays HLS itself
      if (startAt > 0) { video.addEventListener('loadedmetadata', () => { video.currentTime = startAt; }, { once: true }); }
    } else {
      $('status').textContent = 'This browser cannot play HLS.';
      failed('unsupported-browser');
      return;
    }
    if (info.thumbnails) { loadThumbnails(info.thumbnails); }
    paintChapters(info.chapters || []);
  }

  // Who was on stage, and when: a list under the player (each a button that seeks there) and marks on the scrub bar.
  const painted = { chapters: [] };
  function paintChapters(chapters) {
    painted.chapters = chapters;
    const list = $('chapters');
    if (!list) { return; }
    list.innerHTML = '';
    list.hidden = chapters.length === 0;
    for (const mark of document.querySelectorAll('#scrub .chapter-mark')) { mark.remove(); }
    for (const chapter of chapters) {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      button.textContent = chapter.title;
      button.dataset.start = String(chapter.startSeconds);
      button.addEventListener('click', () => { video.currentTime = chapter.startSeconds; video.play().catch(() => {}); });
      item.append(button);
      list.append(item);
      const mark = document.createElement('div');
      mark.className = 'chapter-mark';
      mark.title = chapter.title;
      mark.dataset.start = String(chapter.startSeconds);
      mark.dataset.end = chapter.endSeconds === null ? '' : String(chapter.endSeconds);
      $('scrub').append(mark);
    }
    placeChapterMarks();
  }

  function placeChapterMarks() {
    const total = video.duration;
    for (const mark of document.querySelectorAll('#scrub .chapter-mark')) {
      if (!isFinite(total) || total <= 0) { mark.hidden = true; continue; }
      const start = Number(mark.dataset.start);
      const end = mark.dataset.end === '' ? total : Number(mark.dataset.end);
      mark.hidden = false;
      mark.style.left = (100 * start / total) + '%';
      mark.style.width = Math.max(0.5, 100 * (end - start) / total) + '%';
    }
  }
  video.addEventListener('durationchange', placeChapterMarks);

  async function reload(at) {
    links.reloads++;
    const next = await loadInfo();
    if (!next) { return; }
    info = next;
    attach(at);
    video.play().catch(() => {});
  }

  // The download, the poster and the thumbnails' sprites are links too: taken from each playback check, and the
  // thumbnail track fetched again before its sprites' links run out.
  let thumbnailsExpire = Infinity;
  function renewPageLinks(next) {
    if (next.download) { $('download').href = next.download; }
    if (next.thumbnails && thumbnailsExpire - serverNow() < 30000) { loadThumbnails(next.thumbnails); }
    info = Object.assign({}, info, { download: next.download, thumbnails: next.thumbnails, poster: next.poster, chapters: next.chapters });
    if (JSON.stringify(next.chapters || []) !== JSON.stringify(painted.chapters)) { paintChapters(next.chapters || []); }
  }

  async function loadThumbnails(url) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) { return; }
    const text = await response.text();
    const parsed = [];
    let soonest = Infinity;
    const blocks = text.split(/\n\n+/);
    for (const block of blocks) {
      const lines = block.trim().split('\n');
      const timing = lines.find((l) => l.includes('-->'));
      const image = lines[lines.length - 1];
      if (!timing || !image.includes('#xywh=')) { continue; }
      const [from, to] = timing.split('-->').map((t) => seconds(t.trim()));
      const [src, frag] = image.split('#xywh=');
      const [x, y, w, h] = frag.split(',').map(Number);
      parsed.push({ from, to, src, x, y, w, h });
      const expires = linkExpiry(src);
      if (expires !== null && expires < soonest) { soonest = expires; }
    }
    cues = parsed;
    thumbnailsExpire = soonest;
  }

  function seconds(stamp) {
    const [h, m, s] = stamp.split(':');
    return Number(h) * 3600 + Number(m) * 60 + Number(s);
  }

  function clock(t) {
    if (!isFinite(t)) { return '--:--'; }
    t = Math.max(0, Math.floor(t));
    const h = Math.floor(t / 3600); const m = Math.floor(t / 60) % 60; const s = t % 60;
    return (h > 0 ? h + ':' + String(m).padStart(2, '0') : m) + ':' + String(s).padStart(2, '0');
  }

  // Scrub bar: click to seek, hover for the thumbnail of that moment.
  const scrub = $('scrub');
  function fraction(event) { const r = scrub.getBoundingClientRect(); return Math.min(1, Math.max(0, (event.clientX - r.left) / r.width)); }
  function positionAt(event) { const r = span(); return r.start + fraction(event) * (r.end - r.start); }
  scrub.addEventListener('click', (event) => { if (isFinite(span().end)) { video.currentTime = positionAt(event); } });
  // During the live there is no sprite yet: each segment has a thumbnail of its own (made with its 360p rendition),
  // named by the segment's media sequence number, which hls.js knows for the time under the pointer.
  function liveThumbnail(at) {
    if (!info || info.mode !== 'live' || !hls) { return null; }
    const level = hls.levels.find((l) => l.details && l.details.fragments.length);
    if (!level) { return null; }
    const frag = level.details.fragments.find((f) => at >= f.start && at < f.start + f.duration);
    return frag ? '/v1/lives/' + live + '/thumbs/' + frag.sn + '.jpg?token=' + encodeURIComponent(token) : null;
  }
  scrub.addEventListener('mousemove', (event) => {
    if (!isFinite(span().end)) { return; }
    const at = positionAt(event);
    let cue = cues.length ? cues.find((c) => at >= c.from && at < c.to) || cues[cues.length - 1] : null;
    if (!cue) {
      const src = liveThumbnail(at);
      if (!src) { return; }
      cue = { src: src, x: 0, y: 0, w: 160, h: 90, whole: true };
    }
    const preview = $('preview');
    $('preview-image').style.backgroundImage = 'url("' + cue.src + '")';
    $('preview-image').style.backgroundPosition = (-cue.x) + 'px ' + (-cue.y) + 'px';
    $('preview-image').style.backgroundSize = cue.whole ? 'cover' : '';
    $('preview-image').style.width = cue.w + 'px';
    $('preview-image').style.height = cue.h + 'px';
    $('preview-time').textContent = clock(at);
    preview.style.left = (fraction(event) * 100) + '%';
    preview.hidden = false;
  });
  scrub.addEventListener('mouseleave', () => { $('preview').hidden = true; });

  $('play').addEventListener('click', () => (video.paused ? video.play() : video.pause()));
  $('go-live').addEventListener('click', goLive);
  $('mute').addEventListener('click', () => { video.muted = !video.muted; });
  $('fullscreen').addEventListener('click', () => ($('stage').requestFullscreen ? $('stage').requestFullscreen() : null));
  const PLAY = 'M8 5v14l11-7z';
  const PAUSE = 'M6 5h4v14H6zm8 0h4v14h-4z';
  video.addEventListener('play', () => { $('play-icon').setAttribute('d', PAUSE); $('play').setAttribute('aria-label', 'Pause'); });
  video.addEventListener('pause', () => {
    $('play-icon').setAttribute('d', PLAY);
    $('play').setAttribute('aria-label', 'Play');
    endStall(); // a pause ends the viewer's wait: it is theirs from then on
    if (!started) { quality.requestedAt = null; } // paused before the first frame: the start is timed from the next play
    if (started) { beacon('pause'); }
  });
  video.addEventListener('play', () => { if (!started && quality.requestedAt === null) { quality.requestedAt = performance.now(); } });
  video.addEventListener('waiting', () => {
    if (started && !video.seeking && quality.stalledAt === null) {
      quality.rebuffers++;
      quality.stalledAt = performance.now();
    }
  });
  video.addEventListener('error', () => {
    const e = video.error;
    if (!e || hls) { return; } // hls.js reports (and recovers) its own
    failing(e.code === 2 ? 'segment-unreachable' : e.code === 4 ? 'unsupported-browser' : 'media-error');
  });
  video.addEventListener('seeked', () => { if (started) { beacon('seek'); } });
  video.addEventListener('playing', () => {
    recovered();
    if (endStall()) { beacon('rebuffer'); }
    if (started && !heartbeat) { // playing again after a failure was reported: watched again
      heartbeat = setInterval(() => { if (!video.paused) { beacon('heartbeat'); } }, 10000);
    }
    if (!started) {
      started = true;
      if (quality.requestedAt !== null) { quality.startupMs = Math.round(performance.now() - quality.requestedAt); }
      beacon('view_start');
      heartbeat = setInterval(() => { if (!video.paused) { beacon('heartbeat'); } }, 10000);
    }
  });
  video.addEventListener('timeupdate', () => {
    if (quality.pending && video.currentTime > quality.pending.at + 1) { recovered(); } // it played on
    const live = info && info.mode === 'live';
    const behind = behindLive();
    // Behind the edge by more than a segment or two: say by how much, and LIVE (greyed) brings the viewer back.
    const atEdge = behind < 4;
    $('time').textContent = live && !atEdge ? '-' + clock(behind) : clock(video.currentTime);
    $('go-live').classList.toggle('at-edge', atEdge);
    $('duration').textContent = clock(video.duration);
    const r = span();
    const length = r.end - r.start;
    if (isFinite(length) && length > 0) {
      $('progress').style.width = (100 * (video.currentTime - r.start) / length) + '%';
      if (video.buffered.length) { $('buffered').style.width = (100 * (video.buffered.end(video.buffered.length - 1) - r.start) / length) + '%'; }
    }
  });
  video.addEventListener('ended', async () => {
    // The live is over: its replay takes over where it ended, once it is packaged.
    const next = await loadInfo();
    if (next && next.mode === 'replay' && info.mode !== 'replay') { info = next; attach(video.currentTime); video.play().catch(() => {}); }
  });
  setInterval(() => { if (mode() === 'replay' && video.currentTime > 0) { localStorage.setItem(resumeKey, String(video.currentTime)); } }, 5000);
  window.addEventListener('pagehide', () => {
    if (mode() === 'replay' && video.currentTime > 0) { localStorage.setItem(resumeKey, String(video.currentTime)); }
    if (quality.pending) { failed(quality.pending.reason, true); } // left while it was failing: it did not recover
    if (!started && quality.requestedAt !== null && !quality.failure) { beacon('exit_before_start', { leaving: true }); }
    if (started) { beacon('view_end'); }
    if (heartbeat) { clearInterval(heartbeat); }
    if (navigator.sendBeacon) { navigator.sendBeacon('/v1/lives/' + live + '/playback/release' + playbackQuery()); }
  });
  // A refund or a dispute while watching, or another screen taking over: the next check stops playback and says why.
  setInterval(async () => {
    if (root.dataset.busy === 'true' || root.dataset.refused === 'true') { return; } // holds no screen meanwhile
    const next = await loadInfo().catch(() => null);
    if (next && next.mode === info.mode) { renewPageLinks(next); }
    if (next && next.mode !== info.mode && (next.mode === 'replay' || info.mode === 'live')) {
      const wasLive = info.mode !== 'replay';
      info = next;
      if (wasLive && next.mode === 'replay' && (video.paused || video.ended)) { attach(video.currentTime); }
    }
  }, 10000); // also renews this screen's lease (it lapses after 30 s)

  (async () => {
    beacon('page_view', { mode: 'page' });
    info = await loadInfo();
    if (!info) { return; }
    const resume = resumeAt();
    if (resume > 0) { $('status').textContent = 'Resuming at ' + clock(resume) + ' where you stopped.'; }
    attach(resume);
    video.play().catch(() => { $('status').textContent = 'Press play to start.'; });
  })();
})();
