'use strict';

// A small client of the chat API: history through /api/pull, sending through /api/send, live messages through
// an EventSource on /api/subscribe that starts right after the newest message already shown.
const pageSize = 20;
const $ = (id) => document.getElementById(id);
let state = null;

$('join').addEventListener('submit', (event) => {
  event.preventDefault();
  open($('me').value, $('other').value);
});

$('compose').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value;
  if (!state || text.length === 0) return;
  const reply = await call('/api/send', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Idempotency-Key': crypto.randomUUID() },
    body: JSON.stringify({ chat: state.chat, sender: state.me, text }),
  });
  if (reply) {
    $('text').value = '';
    show(reply);
  }
});

$('older').addEventListener('click', () => loadOlder());

async function open(me, other) {
  if (state) state.events.close();
  const chat = `${me}:${other}`;
  state = { me, chat, shown: new Map(), nextCursor: 0, events: null };
  $('messages').replaceChildren();
  $('title').textContent = `${me} and ${other}`;

  const page = await loadOlder();
  if (!page) return;
  $('conversation').hidden = false;

  // The stream starts after the newest message shown, so nothing falls between the page and the stream.
  const newest = Math.max(0, ...state.shown.keys());
  const query = new URLSearchParams({ chat, cursor: String(newest === 0 ? 0 : newest + 1) });
  const events = new EventSource(`/api/subscribe?${query}`);
  events.onopen = () => setStatus('live');
  events.onerror = () => setStatus(events.readyState === EventSource.CLOSED ? 'offline' : 'reconnecting');
  events.onmessage = (event) => show(JSON.parse(event.data));
  state.events = events;
  $('text').focus();
}

async function loadOlder() {
  const current = state;
  const query = new URLSearchParams({
    chat: current.chat, cursor: String(current.nextCursor), limit: String(pageSize), reverse: 'true',
  });
  const page = await call(`/api/pull?${query}`);
  if (!page || current !== state) return null;
  page.messages.forEach(show);
  current.nextCursor = page.next_cursor;
  $('older').hidden = !page.has_more;
  return page;
}

// Shows a message once, in send_time order, whichever way it arrived.
function show(message) {
  if (state.shown.has(message.send_time)) return;
  const item = document.createElement('li');
  item.dataset.sendTime = String(message.send_time);
  item.classList.toggle('mine', message.sender === state.me);
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = `${message.sender} · ${new Date(message.send_time / 1000).toLocaleTimeString()}`;
  item.append(meta, document.createTextNode(message.text));

  const list = $('messages');
  const later = [...list.children].find((other) => Number(other.dataset.sendTime) > message.send_time);
  list.insertBefore(item, later ?? null);
  state.shown.set(message.send_time, item);
  if (!later) list.scrollTop = list.scrollHeight;
}

async function call(url, init) {
  $('error').hidden = true;
  try {
    const response = await fetch(url, init);
    const body = await response.json();
    if (response.ok) return body;
    fail(body.detail ?? `The server answered ${response.status}.`);
  } catch (error) {
    fail(`The server could not be reached: ${error.message}`);
  }
  return null;
}

function fail(text) {
  $('error').textContent = text;
  $('error').hidden = false;
}

function setStatus(text) {
  $('status').textContent = text;
  $('status').classList.toggle('live', text === 'live');
}
