// Live delivery latency: S subscribers spread over C conversations read /api/subscribe while senders post
// messages; for each delivered event, latency = arrival time - send_time. send_time is the Redis server's clock at
// the moment the message was stored, so on one machine this is the time from store to subscriber.
// Usage: node latency.mjs <http server address> [subscribers=40] [conversations=8] [messages=400] [rate/s=100]
const [base, subscribers = 40, conversations = 8, messages = 400, rate = 100] = process.argv.slice(2)
  .map((value, index) => (index === 0 ? value : Number(value)));
if (!base) {
  console.error('usage: node latency.mjs <http server address> [subscribers] [conversations] [messages] [rate]');
  process.exit(2);
}

const run = Math.random().toString(36).slice(2, 8);
const chats = Array.from({ length: conversations }, (_, i) => `bench-a${i}-${run}:bench-b${i}-${run}`);
const latencies = [];
let received = 0;
let duplicates = 0;
const controller = new AbortController();

const nowMicros = () => (performance.timeOrigin + performance.now()) * 1000;

async function subscribe(chat, ready) {
  const response = await fetch(`${base}/api/subscribe?chat=${encodeURIComponent(chat)}`,
    { signal: controller.signal });
  if (!response.ok) throw new Error(`subscribe answered ${response.status}`);
  ready();
  const seen = new Set();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      const arrived = nowMicros();
      buffer += decoder.decode(chunk, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = event.split('\n').find((line) => line.startsWith('data: '));
        if (!data) continue;
        const message = JSON.parse(data.slice(6));
        if (seen.has(message.send_time)) duplicates++;
        seen.add(message.send_time);
        latencies.push(arrived - message.send_time);
        received++;
      }
    }
  } catch (error) {
    if (error.name !== 'AbortError') throw error;
  }
}

const subscribed = [];
const streams = [];
for (let i = 0; i < subscribers; i++) {
  streams.push(subscribe(chats[i % conversations], () => subscribed.push(i)).catch((error) => {
    console.error(error.message);
  }));
}
while (subscribed.length < subscribers) await new Promise((resolve) => setTimeout(resolve, 50));

const started = performance.now();
const sends = [];
for (let i = 0; i < messages; i++) {
  const chat = chats[i % conversations];
  const [first] = chat.split(':');
  sends.push(fetch(`${base}/api/send`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ chat, sender: first, text: `message ${i}` }),
  }).then((response) => { if (!response.ok) throw new Error(`send answered ${response.status}`); }));
  const due = started + ((i + 1) * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}
await Promise.all(sends);

// Every subscriber of a conversation gets each of its messages once.
const expected = messages * (subscribers / conversations);
const deadline = performance.now() + 30_000;
while (received < expected && performance.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 50));
}
controller.abort();
await Promise.all(streams);

latencies.sort((a, b) => a - b);
const at = (q) => (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] / 1000).toFixed(2);
console.log(JSON.stringify({
  subscribers, conversations, messages, rate_per_second: rate,
  delivered: received, expected, duplicates,
  latency_ms: { p50: Number(at(0.5)), p99: Number(at(0.99)), max: Number(at(1)) },
}));
if (received !== expected || duplicates !== 0) process.exit(1);
