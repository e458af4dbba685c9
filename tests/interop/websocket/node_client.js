// npm `ws` (Debian node-ws) as a client of /ws/echo: text, binary, a fragmented message, ping/pong,
// with or without permessage-deflate. Prints "ok" or fails with a non-zero exit. Usage:
//   NODE_PATH=/usr/share/nodejs node node_client.js URL deflate|plain
const WebSocket = require('ws');
const [url, mode] = process.argv.slice(2);
const ws = new WebSocket(url, { perMessageDeflate: mode === 'deflate' });
const timer = setTimeout(() => { console.error('timeout'); process.exit(3); }, 10000);
const expected = ['hello', Buffer.from([0, 1, 2, 255]), 'fragmented', 'x'.repeat(100000)];
const got = [];
ws.on('open', () => {
  const ext = ws.extensions || '';
  if ((mode === 'deflate') !== ext.includes('permessage-deflate')) {
    console.error('extensions: ' + ext); process.exit(4);
  }
  ws.send('hello');
  ws.send(Buffer.from([0, 1, 2, 255]));
  ws.send('frag', { fin: false });
  ws.send('mented', { fin: true });
  ws.send('x'.repeat(100000));
  ws.ping('are you there');
});
let ponged = false;
ws.on('pong', (data) => { ponged = data.toString() === 'are you there'; });
ws.on('message', (data, isBinary) => {
  got.push(isBinary ? data : data.toString());
  if (got.length === expected.length) {
    for (let i = 0; i < expected.length; i++) {
      const a = got[i], b = expected[i];
      if (Buffer.isBuffer(b) ? !b.equals(a) : a !== b) { console.error('message ' + i + ' differs'); process.exit(5); }
    }
    ws.close(1000, 'bye');
  }
});
ws.on('close', (code) => {
  clearTimeout(timer);
  if (code !== 1000 || !ponged) { console.error('close ' + code + ' ponged ' + ponged); process.exit(6); }
  console.log('ok');
});
ws.on('error', (e) => { console.error(e.message); process.exit(7); });
