// The npm `ws` peer for bench/websocket.sh: an echo server, permessage-deflate off (as the others).
// Node runs JavaScript on one thread. Usage: NODE_PATH=/usr/share/nodejs node node_echo_server.js PORT
const WebSocket = require('ws');
const server = new WebSocket.Server({ host: '127.0.0.1', port: Number(process.argv[2]), perMessageDeflate: false,
                                      maxPayload: 64 * 1024 * 1024 });
server.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
});
server.on('listening', () => console.log('listening'));
