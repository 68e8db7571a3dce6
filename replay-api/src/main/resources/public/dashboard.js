// Stagepass Studio: a creator's lives, and for the chosen one its revenue, audience and replay, kept current by the
// server-sent events of /v1/lives/{id}/events. Every number comes from the same JSON routes scripts use; the session
// cookie authenticates both. Plain browser JavaScript; uPlot (WebJar) draws the charts.
(function () {
  'use strict';
  const $ = (id) => document.getElementById(id);
  const studio = $('studio');
  const state = { lives: [], live: null, revenue: null, audience: null, replay: null, health: null, source: null, charts: {} };
  window.stagepassStudio = state;

  // Money arrives as integer minor units; it is shown through Intl with an exact decimal string, never a float.
  const digitsOf = (currency) => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
  function money(minor, currency) {
    if (minor === null || minor === undefined || !currency) { return '–'; }
    const d = digitsOf(currency);
    const negative = minor < 0;
    let s = String(Math.abs(minor));
    if (d > 0) { s = s.padStart(d + 1, '0'); s = s.slice(0, -d) + '.' + s.slice(-d); }
    return new Intl.NumberFormat('en', { style: 'currency', currency }).format((negative ? '-' : '') + s);
  }
  const number = (n) => new Intl.NumberFormat('en').format(n || 0);
  function duration(ms) {
    const s = Math.round((ms || 0) / 1000);
    if (s < 60) { return s + ' s'; }
    const m = Math.floor(s / 60);
    if (m < 60) { return m + ' min ' + (s % 60) + ' s'; }
    return Math.floor(m / 60) + ' h ' + (m % 60) + ' min';
  }
  const when = (iso) => iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }) : '';

  async function get(path, method, body) {
    const write = method && method !== 'GET';
    // A write with the session cookie must be JSON from this origin: the API refuses it otherwise (no cross-site forms).
    const response = await fetch(path, write
      ? { method: method, credentials: 'same-origin', cache: 'no-store', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body || {}) }
      : { credentials: 'same-origin', cache: 'no-store' });
    if (response.status === 401) { location.href = '/login'; throw new Error('signed out'); }
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || problem.title || (path + ': HTTP ' + response.status));
    }
    return response.json();
  }

  function set(id, text, minor) {
    const el = $(id);
    if (el.textContent !== text) {
      el.textContent = text;
      const card = el.closest('.kpi');
      if (card && state.painted) { card.classList.remove('flash'); void card.offsetWidth; card.classList.add('flash'); }
    }
    if (minor !== undefined) { el.dataset.minor = String(minor); }
  }

  async function loadLives() {
    const page = await get('/v1/lives?limit=100');
    state.lives = page.data;
    const nav = $('lives');
    nav.innerHTML = '';
    for (const live of state.lives) {
      const a = document.createElement('a');
      a.href = '#' + live.liveId;
      a.dataset.live = live.liveId;
      const t = document.createElement('span'); t.className = 't'; t.textContent = live.title;
      const s = document.createElement('span'); s.className = 's';
      s.textContent = live.status + (live.scheduledStart ? ' · ' + when(live.scheduledStart) : '');
      a.append(t, s);
      nav.append(a);
    }
    if (!state.lives.length) { nav.textContent = 'No lives yet: create one with POST /v1/lives.'; }
    await loadSummary();
  }

  // The creator-wide net follows the open live's sales: fetched again (at most once a second) after a revenue event.
  let summaryTimer = null;
  function refreshSummary() {
    if (summaryTimer) { return; }
    summaryTimer = setTimeout(() => { summaryTimer = null; loadSummary().catch(() => {}); }, 1000);
  }

  async function loadSummary() {
    const summary = await get('/v1/creator/summary');
    const box = $('summary');
    box.innerHTML = '';
    const label = document.createElement('div'); label.className = 'muted'; label.textContent = 'Net, all lives';
    box.append(label);
    for (const c of summary.currencies) {
      const line = document.createElement('div'); line.className = 'amount';
      line.textContent = money(c.totals.netMinor, c.settlementCurrency);
      line.dataset.minor = c.totals.netMinor;
      box.append(line);
    }
    if (!summary.currencies.length) { const none = document.createElement('div'); none.className = 'amount'; none.textContent = money(0, studio.dataset.currency); box.append(none); }
  }

  async function select(liveId) {
    if (liveId && !state.lives.some((l) => l.liveId === liveId)) {
      await loadLives(); // a live made since the page loaded
    }
    const live = state.lives.find((l) => l.liveId === liveId) || state.lives[0];
    if (!live) { return; }
    state.live = live;
    for (const a of document.querySelectorAll('#lives a')) { a.classList.toggle('active', a.dataset.live === live.liveId); }
    $('live-title').textContent = live.title;
    paintStatus(live.status);
    $('live-when').textContent = live.status === 'scheduled' ? when(live.scheduledStart) : (live.startedAt ? 'started ' + when(live.startedAt) : '');
    $('ticket-link').href = live.ticketPage;
    $('ticket-link').textContent = 'ticket page ↗';
    state.painted = false;
    state.health = null;
    paintHealth();
    $('new-key-out') && $('new-key-out').remove();
    $('go-live').hidden = true;
    get('/v1/lives/' + live.liveId).then((detail) => { if (state.live === live) { paintGoLive(detail, null); } }).catch(() => {});
    subscribe(live.liveId);
    $('clip-note').textContent = '';
    loadClips(live.liveId).catch(() => {});
    document.dispatchEvent(new CustomEvent('stagepass:live', { detail: live.liveId })); // the Stage panel follows
  }

  // How to stream this live: OBS's settings and the ffmpeg lines, from the API (the key itself was shown once).
  function paintGoLive(detail, key) {
    const card = $('go-live');
    card.hidden = !detail.stream;
    if (!detail.stream) { return; }
    const obs = $('obs');
    obs.innerHTML = '';
    for (const [name, value] of Object.entries(detail.stream.obs)) {
      const dt = document.createElement('dt'); dt.textContent = name;
      const dd = document.createElement('dd'); dd.textContent = value;
      if (name === 'Stream Key' && !key) { dd.textContent = 'the key you were given when the live was made'; dd.className = 'muted'; }
      obs.append(dt, dd);
    }
    $('ffmpeg-rtmp').textContent = detail.stream.ffmpegRtmp;
    $('ffmpeg-hls').textContent = detail.stream.ffmpeg;
  }

  async function newStreamKey() {
    const live = state.live;
    if (!live || !confirm('Make a new stream key for "' + live.title + '"? The old key stops working at once; an encoder streaming with it is refused when it reconnects.')) { return; }
    $('new-key').disabled = true;
    try {
      const made = await get('/v1/lives/' + live.liveId + '/stream-key', 'POST');
      if (state.live !== live) { return; }
      let out = $('new-key-out');
      if (!out) { out = document.createElement('div'); out.id = 'new-key-out'; $('go-live').querySelector('.key-row').after(out); }
      out.innerHTML = '';
      const label = document.createElement('div'); label.className = 'muted'; label.textContent = 'Your new stream key, shown this once (OBS: Stream Key):';
      const value = document.createElement('div'); value.className = 'new-key'; value.id = 'new-key-value'; value.textContent = made.streamKey;
      out.append(label, value);
      paintGoLive(made, made.streamKey);
    } catch (e) {
      $('new-key-note').textContent = 'No new key: ' + e.message;
    } finally {
      $('new-key').disabled = false;
    }
  }

  function paintStatus(status) {
    const pill = $('live-status');
    pill.textContent = status;
    pill.className = 'pill ' + status;
  }

  function subscribe(liveId) {
    if (state.source) { state.source.close(); }
    const source = new EventSource('/v1/lives/' + liveId + '/events');
    state.source = source;
    source.onopen = () => { $('connection').textContent = 'live updates'; $('connection').classList.add('on'); };
    source.onerror = () => { $('connection').textContent = 'reconnecting…'; $('connection').classList.remove('on'); };
    source.addEventListener('revenue', (e) => { state.revenue = JSON.parse(e.data); paintRevenue(); refreshSummary(); });
    source.addEventListener('audience', (e) => { state.audience = JSON.parse(e.data); paintAudience(); });
    source.addEventListener('replay', (e) => { state.replay = JSON.parse(e.data); paintReplay(); });
    source.addEventListener('health', (e) => { state.health = JSON.parse(e.data); paintHealth(); });
    source.addEventListener('live', (e) => {
      const live = JSON.parse(e.data);
      if (!live.status) { return; }
      paintStatus(live.status);
      Object.assign(state.live, { status: live.status, startedAt: live.startedAt, endedAt: live.endedAt });
      if (live.status === 'ended') { $('go-live').hidden = true; } // its stream key works no more
      const item = document.querySelector('#lives a[data-live="' + liveId + '"] .s');
      if (item) { item.textContent = live.status + (live.status === 'scheduled' && live.scheduledStart ? ' · ' + when(live.scheduledStart) : ''); }
      $('live-when').textContent = live.status === 'scheduled' ? when(live.scheduledStart) : (live.startedAt ? 'started ' + when(live.startedAt) : '');
    });
    source.addEventListener('error', (e) => { if (e.data) { $('connection').textContent = JSON.parse(e.data).detail; } });
  }

  function primary() {
    const lines = (state.revenue && state.revenue.currencies) || [];
    return lines.find((c) => c.currency === state.live.currency) || lines[0] || null;
  }

  function paintRevenue() {
    const line = primary();
    const cur = line ? line.currency : state.live.currency;
    const settle = line ? line.settlementCurrency : state.live.currency;
    const t = line ? line.totals : { netMinor: 0, grossMinor: 0, feesMinor: 0, refundsMinor: 0, ticketsSold: 0, ticketsRefunded: 0, ticketsDisputed: 0, disputesHeldMinor: 0, disputesLostMinor: 0, disputesWonMinor: 0 };
    set('kpi-net', money(t.netMinor, settle), t.netMinor);
    $('kpi-net-sub').textContent = settle !== cur ? 'paid out in ' + settle + ' (sold in ' + cur + ')' : 'after Stripe fees and refunds';
    set('kpi-gross', money(t.grossMinor, cur), t.grossMinor);
    $('kpi-fees').textContent = 'fees ' + money(t.feesMinor, settle);
    set('kpi-tickets', number(t.ticketsSold), t.ticketsSold);
    $('kpi-refunds').textContent = t.ticketsRefunded + ' refunded · ' + t.ticketsDisputed + ' disputed';
    const refunds = $('refunds');
    refunds.innerHTML = '';
    for (const [label, value] of [['Refunded', money(t.refundsMinor, cur)], ['Disputes held', money(t.disputesHeldMinor, cur)], ['Disputes lost', money(t.disputesLostMinor, cur)], ['Disputes won', money(t.disputesWonMinor, cur)]]) {
      const dt = document.createElement('dt'); dt.textContent = label; const dd = document.createElement('dd'); dd.textContent = value; refunds.append(dt, dd);
    }
    const tiers = $('tiers');
    tiers.innerHTML = '<tr><th>Tier</th><th>Sold</th><th>Gross</th><th>Net</th></tr>';
    for (const [tier, tt] of Object.entries(line ? line.tiers : {})) {
      const row = document.createElement('tr');
      for (const v of [tier, number(tt.ticketsSold), money(tt.grossMinor, cur), money(tt.netMinor, settle)]) { const td = document.createElement('td'); td.textContent = v; row.append(td); }
      tiers.append(row);
    }
    const others = ((state.revenue && state.revenue.currencies) || []).filter((c) => c !== line);
    $('revenue-note').textContent = others.length ? 'also sold in ' + others.map((c) => c.currency).join(', ') : (line ? cur : '');
    const minutes = line ? line.minutes : [];
    const xs = minutes.map((m) => Date.parse(m.start) / 1000);
    const d = digitsOf(settle);
    chart('revenue', [xs, minutes.map((m) => m.grossMinor / Math.pow(10, digitsOf(cur))), minutes.map((m) => m.netMinor / Math.pow(10, d)), minutes.map((m) => m.ticketsSold)], [
      { label: 'gross (' + cur + ')', stroke: '#7c5cff', fill: 'rgba(124,92,255,.35)', paths: uPlot.paths.bars({ size: [0.6, 48] }), points: { show: false } },
      { label: 'net (' + settle + ')', stroke: '#3ccf91' },
      { label: 'tickets', stroke: '#ffb547', scale: 'n' }
    ], 200);
    state.painted = true;
  }

  function paintAudience() {
    const a = state.audience;
    const live = a.live;
    const replay = a.replay;
    set('kpi-concurrent', number(a.watchingNow), a.watchingNow); // screens playing now: leases, within a second
    $('kpi-peak').textContent = 'peak ' + number(live.peak.viewers) + (live.peak.at ? ' at ' + new Date(live.peak.at).toLocaleTimeString() : '');
    $('kpi-peak').dataset.peak = String(live.peak.viewers);
    set('kpi-watch', duration(live.watchTimeMillis + replay.watchTimeMillis), live.watchTimeMillis + replay.watchTimeMillis);
    $('kpi-views').textContent = number(live.views) + ' live views (avg ' + duration(live.averageWatchTimeMillis) + ') · ' + number(replay.views) + ' replay';
    const c = a.conversion;
    set('kpi-conversion', c.basisPoints === null ? '–' : (c.basisPoints / 100).toFixed(1) + ' %', c.basisPoints === null ? '' : c.basisPoints);
    $('kpi-visitors').textContent = number(c.buyers) + ' buyers of ' + number(c.pageVisitors) + ' visitors';
    chart('concurrency', [live.concurrency.map((s) => Date.parse(s.at) / 1000), live.concurrency.map((s) => s.viewers), alignReplay(live, replay)], [
      { label: 'live', stroke: '#ff5c7a', fill: 'rgba(255,92,122,.12)' },
      { label: 'replay', stroke: '#8d93a1' }
    ], 200);
    const points = live.retention.length ? live.retention : replay.retention;
    chart('retention', [points.map((p) => p.minute * 60), points.map((p) => p.basisPoints / 100)], [
      { label: 'still watching %', stroke: '#3ccf91', fill: 'rgba(60,207,145,.12)' }
    ], 160, { time: false });
    paintQuality(live, replay);
  }

  // How playback went for viewers, live and replay apart: what their players measured (time to first frame, stalls,
  // failures, early exits) and the renditions they watched. Each cell keeps its exact figure in data-value.
  function paintQuality(live, replay) {
    const table = $('quality');
    table.innerHTML = '<tr><th></th><th>Live</th><th>Replay</th></tr>';
    const share = (part, whole) => (whole > 0 ? (100 * part / whole).toFixed(1) + ' %' : '–');
    const rows = [
      ['startup', 'Time to first frame', (q) => (q.averageStartupMillis === null ? '–' : seconds(q.averageStartupMillis) + ' avg of ' + number(q.firstFrames)), (q) => q.averageStartupMillis],
      ['rebuffers', 'Stalls', (q) => number(q.rebuffers), (q) => q.rebuffers],
      ['rebuffer-millis', 'Time stalled', (q) => seconds(q.rebufferMillis) + (q.rebufferBasisPoints === null ? '' : ' · ' + (q.rebufferBasisPoints / 100).toFixed(2) + ' %'), (q) => q.rebufferMillis],
      ['failures', 'Playback failures', (q) => number(q.playbackFailures) + (q.failures.length ? ' (' + q.failures.map((f) => f.reason + ' ' + f.count).join(', ') + ')' : ''), (q) => q.playbackFailures],
      ['exits', 'Left before the first frame', (q) => number(q.exitsBeforeFirstFrame), (q) => q.exitsBeforeFirstFrame],
      ['renditions', 'Watched at', (q) => {
        const total = q.renditions.reduce((sum, r) => sum + r.watchTimeMillis, 0);
        return q.renditions.length ? q.renditions.map((r) => r.rendition + ' ' + share(r.watchTimeMillis, total)).join(' · ') : '–';
      }, (q) => q.renditions.map((r) => r.rendition + '=' + r.watchTimeMillis).join(',')]
    ];
    for (const [key, label, text, value] of rows) {
      const row = document.createElement('tr');
      const th = document.createElement('td'); th.textContent = label; row.append(th);
      for (const [mode, q] of [['live', live.quality], ['replay', replay.quality]]) {
        const td = document.createElement('td');
        td.id = 'quality-' + mode + '-' + key;
        td.textContent = text(q);
        const v = value(q);
        td.dataset.value = v === null || v === undefined ? '' : String(v);
        row.append(td);
      }
      table.append(row);
    }
  }

  function alignReplay(live, replay) {
    const byAt = new Map(replay.concurrency.map((s) => [s.at, s.viewers]));
    return live.concurrency.map((s) => (byAt.has(s.at) ? byAt.get(s.at) : null));
  }

  function paintReplay() {
    const r = state.replay;
    const text = { none: 'packaged when the live ends', packaging: 'packaging…', progress: (r.stage || 'packaging') + ' ' + (r.progressPercent || 0) + ' %', ready: 'ready: v' + r.version + ', ' + duration(r.durationMillis), failed: 'failed: ' + (r.error || ''), expired: 'expired (the replay window closed)' }[r.status] || r.status;
    $('replay-status').textContent = text;
    $('replay-status').dataset.status = r.status;
    $('replay-bar').style.width = (r.status === 'ready' ? 100 : r.status === 'progress' ? r.progressPercent || 0 : 0) + '%';
  }

  // What the encoder sends, as ingest measured it over its last 30 s: a verdict, why, and the numbers behind it.
  function paintHealth() {
    const h = state.health;
    const verdict = $('health-verdict');
    const reasons = $('health-reasons');
    const facts = $('health-facts');
    reasons.innerHTML = '';
    facts.innerHTML = '';
    if (!h || h.status === 'none') {
      verdict.dataset.verdict = 'none';
      verdict.textContent = state.live && state.live.status === 'ended' ? 'no media measured' : 'waiting for media';
      tickHealth();
      return;
    }
    verdict.dataset.verdict = h.verdict;
    verdict.textContent = h.verdict;
    for (const reason of h.reasons) { const li = document.createElement('li'); li.textContent = reason; reasons.append(li); }
    const v = h.video;
    const a = h.audio;
    const rows = [
      ['Input', (h.protocol || '–').toUpperCase()],
      ['Video', v ? [v.codec, v.profile, v.width && v.height ? v.width + '×' + v.height : null].filter(Boolean).join(' · ') : 'none'],
      ['Frame rate', v && v.framesPerSecondX100 !== null ? fps(v.framesPerSecondX100) + ' fps' : '–'],
      ['Keyframes', v && v.keyframeIntervalMillis !== null ? 'every ' + seconds(v.keyframeIntervalMillis) : '–'],
      ['Video bitrate', v && v.bitsPerSecond !== null ? bits(v.bitsPerSecond) : '–'],
      ['Audio', a ? [a.codec, a.sampleRate ? (a.sampleRate / 1000) + ' kHz' : null, a.channels === 1 ? 'mono' : a.channels === 2 ? 'stereo' : a.channels ? a.channels + ' channels' : null, a.bitsPerSecond !== null ? bits(a.bitsPerSecond) : null].filter(Boolean).join(' · ') : 'none'],
      ['Real time', h.realtimePermille !== null ? (h.realtimePermille / 1000).toFixed(2) + '×' : '–'],
      ['Reconnects (5 min)', String(h.reconnects)],
      ['Missing segments', String(h.missingSegments)]
    ];
    for (const [label, value] of rows) {
      const dt = document.createElement('dt'); dt.textContent = label; const dd = document.createElement('dd'); dd.textContent = value; facts.append(dt, dd);
    }
    tickHealth();
  }
  const fps = (x100) => (x100 % 100 ? (x100 / 100).toFixed(2) : String(x100 / 100));
  const seconds = (ms) => { const s = (ms / 1000).toFixed(1); return (s.endsWith('.0') ? s.slice(0, -2) : s) + ' s'; };
  const bits = (b) => (b >= 1e6 ? (b / 1e6).toFixed(1) + ' Mb/s' : Math.round(b / 1000) + ' kb/s');

  // "updated 3 s ago"; a report older than 20 s while the live streams means ingest is not reporting.
  function tickHealth() {
    const h = state.health;
    const when = $('health-when');
    if (!h || h.status === 'none') { when.textContent = ''; return; }
    const age = Math.max(0, Math.round((Date.now() - Date.parse(h.at)) / 1000));
    const streaming = state.live && state.live.status === 'live';
    when.textContent = streaming && age > 20 ? 'no report for ' + age + ' s' : 'measured ' + (age < 90 ? age + ' s' : duration(age * 1000)) + ' ago';
  }
  setInterval(tickHealth, 1000);

  /**
   * A time axis covers the live's span: from its first sale or its start, whichever came first, to its end, or now
   * while it is on sale or streaming (never years around one point).
   */
  function liveSpan(xs) {
    const live = state.live || {};
    const at = (iso) => (iso ? Date.parse(iso) / 1000 : null);
    const starts = [at(live.startedAt), xs.length ? xs[0] : null].filter((t) => t !== null);
    const now = Date.now() / 1000;
    const end = live.status === 'ended' && live.endedAt ? at(live.endedAt) : now;
    const from = starts.length ? Math.min(...starts) : now - 3600;
    const to = Math.max(end, xs.length ? xs[xs.length - 1] + 60 : end, from + 120);
    return [from - 30, to];
  }

  function chart(name, data, series, height, options) {
    const el = $('chart-' + name);
    const width = Math.max(200, el.clientWidth);
    const time = !options || options.time !== false;
    let plot = state.charts[name];
    if (!plot || plot.series.length !== series.length + 1) {
      if (plot) { plot.destroy(); }
      el.innerHTML = '';
      plot = new uPlot({
        width, height,
        // Amounts and counts from zero; time axes cover the live's span.
        scales: {
          x: { time, range: time ? (u) => liveSpan(u.data[0]) : (u, min, max) => (min === max ? [min - 60, max + 60] : [min, max]) },
          y: { range: (u, min, max) => [Math.min(0, min), max > 0 ? max * 1.15 : 1] },
          n: { range: (u, min, max) => [0, max > 0 ? Math.ceil(max * 1.15) : 1] }
        },
        axes: [{ stroke: '#8d93a1', grid: { stroke: '#242733' } }, { stroke: '#8d93a1', grid: { stroke: '#242733' } }].concat(series.some((s) => s.scale === 'n') ? [{ scale: 'n', side: 1, stroke: '#8d93a1', grid: { show: false } }] : []),
        series: [{}].concat(series.map((s) => Object.assign({ width: 2, points: { show: data[0].length < 3 } }, s))),
        padding: [8, 16, 0, 0]
      }, data, el);
      state.charts[name] = plot;
    } else {
      plot.setData(data);
    }
    el.dataset.points = String(data[0].length);
  }

  // Clips (POST/GET /v1/lives/{id}/clips): a span of what has streamed, in m:ss on the replay's timeline; the list
  // follows each clip until the jobs worker has cut it.
  function parseClock(text) {
    const m = /^\s*(?:(\d+):)?(\d+):(\d{1,2}(?:\.\d{1,3})?)\s*$|^\s*(\d+(?:\.\d{1,3})?)\s*$/.exec(text);
    if (!m) { return null; }
    if (m[4] !== undefined) { return Math.round(Number(m[4]) * 1000); }
    return Math.round(((Number(m[1] || 0) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000); // [h:]m:ss[.mmm]
  }
  const clockOf = (ms) => { const s = Math.floor(ms / 1000); return Math.floor(s / 60) + ':' + String(s % 60).padStart(2, '0'); };
  let clipsTimer = null;
  async function loadClips(liveId) {
    clearTimeout(clipsTimer);
    const body = await get('/v1/lives/' + liveId + '/clips');
    if (!state.live || state.live.liveId !== liveId) { return; }
    const list = $('clips');
    list.innerHTML = '';
    for (const clip of body.data) {
      const item = document.createElement('li');
      item.dataset.clip = clip.clipId;
      item.dataset.status = clip.status;
      const name = document.createElement('span');
      name.className = 'clip-title';
      name.textContent = clip.title;
      const facts = document.createElement('span');
      facts.className = 'muted';
      facts.textContent = ' ' + clockOf(clip.startMillis) + '–' + clockOf(clip.endMillis) + ' · '
        + (clip.visibility === 'public' ? 'public' : 'ticket holders') + ' · '
        + (clip.status === 'ready' ? clockOf(clip.durationMillis) + ' from ' + clockOf(clip.clipStartMillis)
          : clip.status === 'failed' ? 'failed: ' + clip.error : 'cutting…');
      item.append(name, facts);
      if (clip.media) {
        const open = document.createElement('a');
        open.href = clip.media;
        open.target = '_blank';
        open.rel = 'noopener';
        open.textContent = ' open ↗';
        item.append(open);
      }
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.className = 'link-button';
      remove.textContent = 'delete';
      remove.addEventListener('click', async () => {
        if (!window.confirm('Delete "' + clip.title + '"? It leaves the ticket page at once.')) { return; }
        try {
          await fetch('/v1/lives/' + liveId + '/clips/' + clip.clipId, { method: 'DELETE', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' } })
            .then((r) => { if (!r.ok && r.status !== 404) { throw new Error('HTTP ' + r.status); } });
          $('clip-note').textContent = 'Deleted "' + clip.title + '".';
        } catch (e) {
          $('clip-note').textContent = 'Not deleted: ' + e.message;
        }
        loadClips(liveId).catch(() => {});
      });
      item.append(' ', remove);
      list.append(item);
    }
    if (body.data.some((c) => c.status === 'requested')) {
      clipsTimer = setTimeout(() => loadClips(liveId).catch(() => {}), 2000);
    }
  }
  $('clip-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const start = parseClock($('clip-start').value);
    const end = parseClock($('clip-end').value);
    if (start === null || end === null) {
      $('clip-note').textContent = 'Give the start and the end as m:ss (1:05) or seconds.';
      return;
    }
    $('clip-make').disabled = true;
    try {
      const clip = await get('/v1/lives/' + state.live.liveId + '/clips', 'POST', {
        title: $('clip-title').value, startMillis: start, endMillis: end,
        visibility: $('clip-public').checked ? 'public' : 'ticket_holders'
      });
      $('clip-note').textContent = 'Cutting "' + clip.title + '"…';
      $('clip-title').value = '';
      await loadClips(state.live.liveId);
    } catch (e) {
      $('clip-note').textContent = 'Not made: ' + e.message;
    } finally {
      $('clip-make').disabled = false;
    }
  });

  $('new-key').addEventListener('click', newStreamKey);
  window.addEventListener('hashchange', () => select(location.hash.slice(1)).catch(() => {}));
  window.addEventListener('resize', () => { for (const plot of Object.values(state.charts)) { plot.setSize({ width: Math.max(200, plot.root.parentElement.clientWidth), height: plot.height }); } });
  // The sites that may frame this creator's player pages (PATCH /v1/creator): one origin per line.
  async function loadEmbed() {
    const account = await get('/v1/creator');
    $('embed-origins').value = (account.embedOrigins || []).join('\n');
    if (account.embedOrigins && account.embedOrigins.length) { $('embed').open = true; }
  }
  $('embed-save').addEventListener('click', async () => {
    const origins = $('embed-origins').value.split(/[\s,]+/).filter((o) => o);
    $('embed-save').disabled = true;
    try {
      const account = await get('/v1/creator', 'PATCH', { embedOrigins: origins });
      $('embed-origins').value = account.embedOrigins.join('\n');
      $('embed-note').textContent = account.embedOrigins.length
        ? 'Saved: ' + account.embedOrigins.length + (account.embedOrigins.length === 1 ? ' site' : ' sites') + ' may embed your player.'
        : 'Saved: no site may embed your player.';
    } catch (e) {
      $('embed-note').textContent = 'Not saved: ' + e.message;
    } finally {
      $('embed-save').disabled = false;
    }
  });
  loadEmbed().catch(() => {});

  // Payouts (GET /v1/creator/payouts, /v1/creator/earnings): where the creator's Stripe account stands, and what they
  // are paid. "Set up payouts" asks the API for a fresh single-use link to Stripe's hosted onboarding and goes there;
  // Stripe sends the creator back to /payouts/return (or /payouts/refresh when the link had expired: a new one is made).
  async function loadPayouts() {
    const status = await get('/v1/creator/payouts');
    $('payouts').dataset.status = status.status;
    $('payouts-detail').textContent = status.detail + ' Platform fee: ' + status.platformFee + '.';
    const setup = $('payouts-setup');
    setup.hidden = status.status === 'enabled';
    setup.textContent = status.status === 'not_started' ? 'Set up payouts' : 'Continue with Stripe';
    const earnings = await get('/v1/creator/earnings');
    const lines = earnings.currencies.map((c) =>
      '<div class="earning" data-currency="' + c.currency + '" data-minor="' + c.earningsMinor + '">' +
      '<div class="value">' + money(c.earningsMinor, c.currency) + '</div>' +
      '<div class="muted">for you: ' + money(c.grossMinor, c.currency) + ' sold, ' +
      money(c.platformFeesMinor, c.currency) + ' platform fee, ' + money(c.refundsMinor, c.currency) + ' refunded, ' +
      money(c.disputesMinor, c.currency) + ' disputed; ' + money(c.paidOutMinor, c.currency) + ' paid out, ' +
      money(c.notYetPaidOutMinor, c.currency) + ' still to come</div></div>');
    $('earnings').innerHTML = lines.join('');
    $('statements').innerHTML = earnings.statements.length
      ? 'Statements: ' + earnings.statements.map((m) => '<a href="' + m.url + '" download>' + m.month + '</a>').join(' · ')
      : '';
  }
  $('payouts-setup').addEventListener('click', async () => {
    $('payouts-setup').disabled = true;
    try {
      const link = await get('/v1/creator/payouts/onboarding', 'POST', {});
      location.assign(link.url);
    } catch (e) {
      $('payouts-detail').textContent = 'Stripe could not be reached: ' + e.message;
      $('payouts-setup').disabled = false;
    }
  });
  const back = new URLSearchParams(location.search).get('payouts');
  if (back === 'refresh') {
    $('payouts-setup').click(); // the link had expired or was used: a new one, straight back to Stripe
  }
  loadPayouts().catch((e) => { $('payouts-detail').textContent = 'Could not load payouts: ' + e.message; });
  setInterval(() => loadPayouts().catch(() => {}), back === 'returned' ? 2000 : 15000);

  loadLives().then(() => select(location.hash.slice(1))).catch((e) => { $('live-title').textContent = 'Could not load your lives: ' + e.message; });
})();
