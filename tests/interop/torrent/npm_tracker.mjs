// The npm bittorrent-tracker's server (HTTP announce and scrape only) for test_npm_tracker.py. Prints
// one JSON line when listening, then one per announce event it handles ("start", "complete", "update",
// "stop"); exits on SIGTERM. Usage: node npm_tracker.mjs VENDOR HOST PORT INTERVAL_SECONDS
import path from "node:path";
import { pathToFileURL } from "node:url";

const [vendor, host, port, interval] = process.argv.slice(2);
// The package's "./server" entry by file: its main entry also loads the WebRTC client, whose native
// module setup.sh leaves out (--ignore-scripts).
const { default: Server } = await import(
    pathToFileURL(path.join(vendor, "node_modules", "bittorrent-tracker", "server.js")).href);
const out = (o) => process.stdout.write(JSON.stringify(o) + "\n");

const server = new Server({ http: true, udp: false, ws: false, stats: true, interval: Number(interval) * 1000 });
server.on("error", (err) => {
    out({ event: "error", message: err.message });
    process.exit(1);
});
server.on("warning", (err) => out({ event: "warning", message: err.message }));
for (const event of ["start", "complete", "update", "stop"])
    server.on(event, (addr) => out({ event, addr }));
server.on("listening", () => out({ event: "listening", port: server.http.address().port }));
server.listen(Number(port), host);
process.on("SIGTERM", () => server.close(() => process.exit(0)));
