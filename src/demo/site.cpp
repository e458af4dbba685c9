// Demo site generator: see site.hpp. The images are real PNGs (zlib + CRC), one colour each.
#include "demo/site.hpp"

#include <zlib.h>

#include <cstdint>

namespace layer7::demo {

namespace {

void put32(std::string& out, std::uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

void chunk(std::string& png, const char* type, const std::string& data)
{
    put32(png, static_cast<std::uint32_t>(data.size()));
    std::string body = std::string(type, 4) + data;
    png += body;
    put32(png, static_cast<std::uint32_t>(
                   crc32(0, reinterpret_cast<const Bytef*>(body.data()), static_cast<uInt>(body.size()))));
}

// A w×h RGB image with a diagonal stripe so each picture is visibly different.
std::string make_png(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b)
{
    std::string raw;
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);  // filter type: none
        for (int x = 0; x < w; ++x) {
            const bool stripe = ((x + y) / 8) % 4 == 0;
            raw.push_back(static_cast<char>(stripe ? 255 - r : r));
            raw.push_back(static_cast<char>(stripe ? 255 - g : g));
            raw.push_back(static_cast<char>(stripe ? 255 - b : b));
        }
    }
    uLongf size = compressBound(static_cast<uLong>(raw.size()));
    std::string packed(size, '\0');
    compress2(reinterpret_cast<Bytef*>(packed.data()), &size, reinterpret_cast<const Bytef*>(raw.data()),
              static_cast<uLong>(raw.size()), 9);
    packed.resize(size);

    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put32(ihdr, static_cast<std::uint32_t>(w));
    put32(ihdr, static_cast<std::uint32_t>(h));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, deflate, no filter, no interlace
    chunk(png, "IHDR", ihdr);
    chunk(png, "IDAT", packed);
    chunk(png, "IEND", "");
    return png;
}

}  // namespace

std::vector<http::DemoFile> site_files()
{
    std::vector<http::DemoFile> files;
    std::string images;
    for (int i = 1; i <= 10; ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "images/pic%02d.png", i);
        files.push_back(
            {name, make_png(96, 64, static_cast<std::uint8_t>(25 * i), static_cast<std::uint8_t>(200 - 15 * i),
                            static_cast<std::uint8_t>(90 + 10 * i))});
        images += std::string("    <img src=\"/") + name + "\" alt=\"picture " + std::to_string(i) +
                  "\" width=\"96\" height=\"64\">\n";
    }
    files.push_back({"someDepartment/index.html", R"(<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>www.someschool.edu — someDepartment</title>
  <link rel="icon" href="data:,">
</head>
<body>
  <h1>someDepartment</h1>
  <p>This base HTML file references ten images: eleven objects in all, fetched over persistent
     connections (HTTP/1.1 keep-alive), as in the textbook's example.</p>
  <p>
)" + images + R"(  </p>
  <p><a href="/form.html">A form</a> posts to <a href="/echo?hello=world">/echo</a>;
     <a href="/session">/session</a> counts your visits with a cookie;
     <a href="/chat.html">a chat room</a> over a WebSocket (/ws/chat).</p>
  <p><a href="/">Everything layer7 runs</a></p>
</body>
</html>
)"});
    files.push_back({"form.html", R"(<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Form</title><link rel="icon" href="data:,"></head>
<body>
  <h1>Forms: GET puts the fields in the URL, POST in the body</h1>
  <form method="get" action="/echo"><input name="animal" value="monkeys"><input name="fruit" value="bananas">
    <button>GET</button></form>
  <form method="post" action="/echo"><input name="animal" value="monkeys"><input name="fruit" value="bananas">
    <button>POST</button></form>
</body>
</html>
)"});
    // The WebSocket chat (http/websocket's /ws/chat): JSON presence, join, leave and message events.
    files.push_back({"chat.html", R"(<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>Chat</title><link rel="icon" href="data:,"></head>
<body>
  <h1>Chat over a WebSocket</h1>
  <p>Online: <span id="online"></span></p>
  <form id="join"><input id="name" placeholder="your name"><button>Join</button></form>
  <pre id="log"></pre>
  <form id="say" hidden><input id="text" size="60" autocomplete="off"><button>Send</button></form>
  <script>
    const $ = (id) => document.getElementById(id);
    const log = (line) => { $('log').textContent += line + '\n'; };
    let online = new Set(), ws;
    const show = () => { $('online').textContent = [...online].join(', '); };
    $('join').onsubmit = (e) => {
      e.preventDefault();
      const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
      ws = new WebSocket(scheme + location.host + '/ws/chat?name=' + encodeURIComponent($('name').value));
      ws.onmessage = (m) => {
        const ev = JSON.parse(m.data);
        if (ev.type === 'presence') { online = new Set(ev.online); log('you are ' + ev.you); }
        if (ev.type === 'join') { online.add(ev.name); log(ev.name + ' joined'); }
        if (ev.type === 'leave') { online.delete(ev.name); log(ev.name + ' left'); }
        if (ev.type === 'message') log(ev.from + ': ' + ev.text);
        show();
      };
      ws.onclose = (c) => log('closed (' + c.code + ')');
      $('join').hidden = true; $('say').hidden = false;
    };
    $('say').onsubmit = (e) => { e.preventDefault(); ws.send($('text').value); $('text').value = ''; };
    // chat.html?name=alice&say=hi joins at once (and says hi): a link that drops you in the room.
    const params = new URLSearchParams(location.search);
    if (params.get('name')) {
      $('name').value = params.get('name');
      $('join').requestSubmit();
      if (params.get('say')) ws.addEventListener('open', () => ws.send(params.get('say')));
    }
  </script>
</body>
</html>
)"});
    return files;
}

std::vector<std::string> preload_links(const std::vector<http::DemoFile>& files)
{
    std::vector<std::string> links;
    for (const http::DemoFile& f : files)
        if (f.path.starts_with("images/"))
            links.push_back("</" + f.path + ">; rel=preload; as=image");
    return links;
}

std::vector<http::DemoFile> cgi_scripts()
{
    return {{"pageexec", R"script(#!/bin/sh
# pageexec: the form example as a CGI script (RFC 3875). A GET brings the fields in QUERY_STRING,
# a POST in the body on stdin (CONTENT_LENGTH bytes); both are shown, decoded and HTML-escaped.
body=""
if [ "$REQUEST_METHOD" = POST ] && [ -n "$CONTENT_LENGTH" ]; then
    body=$(head -c "$CONTENT_LENGTH")
fi
printf 'Content-Type: text/html; charset=utf-8\r\n\r\n'
QUERY="$QUERY_STRING" BODY="$body" awk '
function hex(h,   v, i) {
    v = 0; h = toupper(h)
    for (i = 1; i <= 2; i++) v = v * 16 + index("0123456789ABCDEF", substr(h, i, 1)) - 1
    return v
}
function decode(s,   out, i, c) {
    gsub(/\+/, " ", s); out = ""
    for (i = 1; i <= length(s); i++) {
        c = substr(s, i, 1)
        if (c == "%" && substr(s, i + 1, 2) ~ /^[0-9A-Fa-f][0-9A-Fa-f]$/) { out = out sprintf("%c", hex(substr(s, i + 1, 2))); i += 2 }
        else out = out c
    }
    return out
}
function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); gsub(/>/, "\\&gt;", s); gsub(/"/, "\\&quot;", s); return s }
function show(title, data,   n, parts, i, eq, k, v) {
    print "<h2>" title "</h2>"
    if (data == "") { print "<p>(none)</p>"; return }
    print "<table>"
    n = split(data, parts, "&")
    for (i = 1; i <= n; i++) {
        eq = index(parts[i], "=")
        if (eq) { k = substr(parts[i], 1, eq - 1); v = substr(parts[i], eq + 1) } else { k = parts[i]; v = "" }
        print "<tr><th>" esc(decode(k)) "</th><td>" esc(decode(v)) "</td></tr>"
    }
    print "</table>"
}
BEGIN {
    print "<!DOCTYPE html>"
    print "<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pageexec</title></head><body>"
    print "<h1>pageexec: a program that makes the page</h1>"
    print "<p>Method: " esc(ENVIRON["REQUEST_METHOD"]) "</p>"
    show("Fields in the URL (GET)", ENVIRON["QUERY"])
    show("Fields in the body (POST)", ENVIRON["BODY"])
    print "<form method=\"get\" action=\"pageexec\"><input name=\"animal\" value=\"monkeys\"><input name=\"fruit\" value=\"bananas\"><button>GET</button></form>"
    print "<form method=\"post\" action=\"pageexec\"><input name=\"animal\" value=\"monkeys\"><input name=\"fruit\" value=\"bananas\"><button>POST</button></form>"
    print "</body></html>"
}'
)script",
             true}};
}

http::DemoSite web_site()
{
    // Made once per process (every reload plans [http] again) and never changed: the PNGs are
    // deterministic.
    static const http::DemoSite made = [] {
        http::DemoSite site;
        site.marker = "someDepartment/index.html";
        site.files = site_files();
        site.base_page = base_page;
        site.preload_links = preload_links(site.files);
        site.pages = {{"The textbook's base page and its ten images", base_page},
                      {"A form: GET and POST to /echo", "/form.html"},
                      {"A chat room over a WebSocket", "/chat.html"}};
        site.cgi_marker = "pageexec";
        site.cgi_scripts = cgi_scripts();
        site.cgi_page = {"A CGI program: the textbook's form example", "pageexec?animal=monkeys"};
        return site;
    }();
    return made;
}

}  // namespace layer7::demo
