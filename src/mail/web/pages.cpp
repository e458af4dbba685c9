// Web mail's HTML: see pages.hpp.
#include "mail/web/pages.hpp"

#include <chrono>
#include <cstdio>

#include "core/text/html_escape.hpp"
#include "core/text/json_string.hpp"
#include "http/message/form.hpp"
#include "mail/web/folders.hpp"
#include "mail/web/sanitizer.hpp"

namespace layer7::mail::web {
namespace {

std::string e(std::string_view text)
{
    return core::html_escape(text);
}

std::string head(std::string_view base, std::string_view title)
{
    return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
           "<title>" +
           e(title) + " – layer7 mail</title><link rel=\"stylesheet\" href=\"" + e(base) +
           "/style.css\"><script src=\"" + e(base) + "/app.js\" defer></script></head>\n";
}

std::string csrf_field(std::string_view csrf)
{
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + e(csrf) + "\">";
}

std::string box_url(std::string_view base, std::string_view folder, std::string_view more = "")
{
    std::string url = std::string(base) + "/box?f=" + url_value(folder);
    if (!more.empty())
        url += "&" + std::string(more);
    return url;
}

std::string message_url(std::string_view base, std::string_view folder, std::uint32_t uid)
{
    return std::string(base) + "/msg?f=" + url_value(folder) + "&uid=" + std::to_string(uid);
}

std::string draft_url(std::string_view base, std::uint32_t uid)
{
    return std::string(base) + "/compose?mode=draft&uid=" + std::to_string(uid);
}

std::string when(std::int64_t seconds)
{
    using namespace std::chrono;
    const sys_seconds t{std::chrono::seconds{seconds}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char out[96];  // room for any value the types allow, so -Wformat-truncation can prove it fits
    std::snprintf(out, sizeof out, "%04d-%02u-%02u %02ld:%02ld", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()));
    return out;
}

std::string size_text(std::uint64_t bytes)
{
    if (bytes < 1024)
        return std::to_string(bytes) + " B";
    if (bytes < 1024 * 1024)
        return std::to_string((bytes + 512) / 1024) + " KB";
    return std::to_string((bytes + 512 * 1024) / (1024 * 1024)) + " MB";
}

std::string folder_options(const Frame& f)
{
    std::string out;
    for (const auto& folder : f.folders)
        if (folder.name != f.folder)
            out += "<option value=\"" + e(folder.name) + "\">" + e(folder_label(folder.name)) + "</option>";
    return out;
}

std::string top(const Frame& f, std::string_view title)
{
    std::string out = head(f.base, title);
    out += "<body data-base=\"" + e(f.base) + "\" data-folder=\"" + e(f.folder) +
           "\">\n<header><a class=\"brand\" href=\"" + e(box_url(f.base, "INBOX")) +
           "\">layer7 mail</a> <span class=\"who\">" + e(f.login) + "</span> <a class=\"button\" href=\"" + e(f.base) +
           "/compose\">Compose</a> <a class=\"button\" href=\"" + e(f.base) +
           "/folders\">Folders</a> <form method=\"post\" action=\"" + e(f.base) + "/logout\" class=\"inline\">" +
           csrf_field(f.csrf) + "<button>Log out</button></form></header>\n<nav id=\"folders\"><ul>";
    for (const auto& folder : f.folders) {
        out += "<li" + std::string(folder.name == f.folder ? " class=\"current\"" : "") + "><a href=\"" +
               e(box_url(f.base, folder.name)) + "\" data-folder=\"" + e(folder.name) + "\">" +
               e(folder_label(folder.name)) + "</a> <span class=\"count\">" +
               (folder.unread ? std::to_string(folder.unread) : std::string()) + "</span></li>";
    }
    return out + "</ul></nav>\n<main>";
}

constexpr std::string_view bottom = "</main></body></html>\n";

}  // namespace

std::string url_value(std::string_view text)
{
    std::string out = http::encode_form({{"x", std::string(text)}});
    return out.substr(2);
}

std::string login_page(std::string_view base, std::string_view csrf, std::string_view error)
{
    std::string out = head(base, "Log in");
    out += "<body class=\"login\"><main><h1>layer7 mail</h1>";
    if (!error.empty())
        out += "<p class=\"error\" id=\"error\">" + e(error) + "</p>";
    out +=
        "<form method=\"post\" action=\"" + e(base) + "/login\">" + csrf_field(csrf) +
        "<label>User <input name=\"user\" autocomplete=\"username\" autofocus required></label>"
        "<label>Password <input name=\"password\" type=\"password\" autocomplete=\"current-password\" required></label>"
        "<button>Log in</button></form></main></body></html>\n";
    return out;
}

std::string mailbox_page(const MailboxView& v)
{
    const Frame& f = v.frame;
    std::string out = top(f, folder_label(f.folder));
    if (!v.notice.empty())
        out += "<p class=\"notice\" id=\"notice\">" + e(v.notice) + "</p>";
    out += "<p id=\"newmail\" hidden>New mail arrived.</p>";
    // Without script (or without the push stream) this is how new mail comes in.
    out += "<p class=\"reload\"><a id=\"reload\" href=\"" + e(box_url(f.base, f.folder, list_query_string(v.query))) +
           "\">Check for new mail</a></p>";
    // search and sort (GET: bookmarkable)
    out += "<form method=\"get\" action=\"" + e(f.base) +
           "/box\" class=\"search\"><input type=\"hidden\" name=\"f\" value=\"" + e(f.folder) +
           "\"><input type=\"search\" name=\"q\" value=\"" + e(v.query.search) +
           "\" placeholder=\"Search from, to, subject\"><select name=\"sort\">";
    static constexpr struct {
        SortKey key;
        std::string_view name, label;
    } sorts[] = {{SortKey::arrival, "arrival", "Arrival"},
                 {SortKey::date, "date", "Date"},
                 {SortKey::from, "from", "From"},
                 {SortKey::subject, "subject", "Subject"},
                 {SortKey::size, "size", "Size"}};
    for (const auto& sort : sorts)
        out += "<option value=\"" + std::string(sort.name) + "\"" + (sort.key == v.query.key ? " selected" : "") + ">" +
               std::string(sort.label) + "</option>";
    out += std::string("</select><select name=\"order\"><option value=\"desc\"") +
           (v.query.descending ? " selected" : "") + ">Newest/Z first</option><option value=\"asc\"" +
           (v.query.descending ? "" : " selected") + ">Oldest/A first</option></select><button>Go</button></form>\n";
    // the list, inside the form for bulk actions
    out +=
        "<form method=\"post\" action=\"" + e(f.base) + "/act\" id=\"list\" data-uidnext=\"" +
        std::to_string(v.uid_next) + "\" data-stamp=\"" + e(v.stamp) + "\">" + csrf_field(f.csrf) +
        "<input type=\"hidden\" name=\"f\" value=\"" + e(f.folder) +
        "\"><input type=\"hidden\" name=\"back\" value=\"" + e(list_query_string(v.query)) +
        "\"><div class=\"actions\"><button name=\"op\" value=\"delete\">Delete</button>"
        "<button name=\"op\" value=\"flag\">Flag</button><button name=\"op\" value=\"unflag\">Unflag</button>"
        "<button name=\"op\" value=\"read\">Mark read</button><button name=\"op\" value=\"unread\">Mark unread</button>"
        "<select name=\"to\">" +
        folder_options(f) +
        "</select><button name=\"op\" value=\"move\">Move</button></div>"
        "<table class=\"messages\"><tbody>";
    if (v.page.rows.empty())
        out += "<tr><td class=\"empty\">No messages.</td></tr>";
    const bool drafts = f.folder == "Drafts";  // a draft opens in compose, and who it is for matters
    for (const auto& s : v.page.rows) {
        std::string cls = s.seen() ? "seen" : "unseen";
        if (s.flagged())
            cls += " flagged";
        out +=
            "<tr class=\"" + cls + "\" data-uid=\"" + std::to_string(s.uid) +
            "\"><td><input type=\"checkbox\" name=\"uid\" value=\"" + std::to_string(s.uid) +
            "\" aria-label=\"select\"></td><td class=\"flag\">" + (s.flagged() ? "★" : "") +
            "</td><td class=\"from\">" + e(drafts ? "To: " + s.to : s.from) + "</td><td class=\"subject\"><a href=\"" +
            e(drafts ? draft_url(f.base, s.uid) : message_url(f.base, f.folder, s.uid)) + "\">" +
            e(s.subject.empty() ? "(no subject)" : s.subject) + "</a>" + (s.attachments ? " 📎" : "") +
            "</td><td class=\"date\">" + when(s.date) + "</td><td class=\"size\">" + size_text(s.size) + "</td></tr>";
    }
    out += "</tbody></table></form>\n<p class=\"pages\">" + std::to_string(v.page.total) + " message" +
           (v.page.total == 1 ? "" : "s") + ", page " + std::to_string(v.page.page + 1) + " of " +
           std::to_string(v.page.pages);
    ListQuery q = v.query;
    if (v.page.page > 0) {
        q.page = v.page.page - 1;
        out += " <a rel=\"prev\" href=\"" + e(box_url(f.base, f.folder, list_query_string(q))) + "\">Previous</a>";
    }
    if (v.page.page + 1 < v.page.pages) {
        q.page = v.page.page + 1;
        out += " <a rel=\"next\" href=\"" + e(box_url(f.base, f.folder, list_query_string(q))) + "\">Next</a>";
    }
    return out + "</p>" + std::string(bottom);
}

std::string message_page(const MessageView& v)
{
    const Frame& f = v.frame;
    std::string out = top(f, v.subject.empty() ? "(no subject)" : v.subject);
    const std::string id = "f=" + url_value(f.folder) + "&uid=" + std::to_string(v.uid);
    out += "<article><h1 id=\"subject\">" + e(v.subject.empty() ? "(no subject)" : v.subject) +
           "</h1><dl class=\"headers\">";
    for (auto [label, value] : {std::pair<std::string_view, const std::string&>{"From", v.from},
                                {"To", v.to},
                                {"Cc", v.cc},
                                {"Date", v.date}})
        if (!value.empty())
            out += "<dt>" + std::string(label) + "</dt><dd>" + e(value) + "</dd>";
    out += "</dl><div class=\"actions\"><a class=\"button\" href=\"" + e(f.base) + "/compose?mode=reply&" + e(id) +
           "\">Reply</a> <a class=\"button\" href=\"" + e(f.base) + "/compose?mode=forward&" + e(id) +
           "\">Forward</a> <form method=\"post\" action=\"" + e(f.base) + "/act\" class=\"inline\">" +
           csrf_field(f.csrf) + "<input type=\"hidden\" name=\"f\" value=\"" + e(f.folder) +
           "\"><input type=\"hidden\" name=\"uid\" value=\"" + std::to_string(v.uid) +
           "\"><button name=\"op\" value=\"delete\">Delete</button><button name=\"op\" value=\"" +
           (v.flags.find('F') != std::string::npos ? "unflag\">Unflag" : "flag\">Flag") +
           "</button><button name=\"op\" value=\"unread\">Mark unread</button><select name=\"to\">" +
           folder_options(f) + "</select><button name=\"op\" value=\"move\">Move</button></form></div>";
    if (v.blocked_images > 0 && !v.remote_allowed)
        out += "<p class=\"notice\" id=\"blocked\">" + std::to_string(v.blocked_images) +
               " remote image(s) blocked. <a href=\"" + e(f.base) + "/msg?" + e(id) +
               "&remote=1\">Show remote content</a></p>";
    if (v.html)
        out += "<div class=\"body html\" id=\"body\">" + v.body + "</div>";
    else
        out += "<pre class=\"body\" id=\"body\">" + e(v.body) + "</pre>";
    if (!v.attachments.empty()) {
        out += "<ul class=\"attachments\" id=\"attachments\">";
        for (const auto& a : v.attachments)
            out += "<li><a href=\"" + e(f.base) + "/part?" + e(id) + "&n=" + std::to_string(a.index) + "\" download>" +
                   e(a.filename) + "</a> <span>" + e(a.content_type) + ", " + size_text(a.size) + "</span></li>";
        out += "</ul>";
    }
    return out + "</article>" + std::string(bottom);
}

std::string compose_page(const ComposeView& v)
{
    const Frame& f = v.frame;
    std::string out = top(f, "Compose");
    if (!v.error.empty())
        out += "<p class=\"error\" id=\"error\">" + e(v.error) + "</p>";
    if (!v.notice.empty())
        out += "<p class=\"notice\" id=\"notice\">" + e(v.notice) + "</p>";
    out += "<form method=\"post\" action=\"" + e(f.base) +
           "/send\" enctype=\"multipart/form-data\" class=\"compose\">" + csrf_field(f.csrf) +
           "<label>To <input name=\"to\" value=\"" + e(v.to) +
           "\" required></label><label>Cc <input name=\"cc\" value=\"" + e(v.cc) +
           "\"></label><label>Subject <input name=\"subject\" value=\"" + e(v.subject) +
           "\"></label><textarea name=\"text\" rows=\"14\">" + e(v.text) + "</textarea>";
    if (v.forward_uid)
        out += "<input type=\"hidden\" name=\"fwd_f\" value=\"" + e(v.forward_folder) +
               "\"><input type=\"hidden\" name=\"fwd_uid\" value=\"" + std::to_string(v.forward_uid) + "\">";
    if (v.draft_uid)
        out += "<input type=\"hidden\" name=\"draft_uid\" value=\"" + std::to_string(v.draft_uid) + "\">";
    for (const auto& a : v.forwarded)
        out += "<p class=\"forwarded\">Attached: " + e(a.filename) + " (" + size_text(a.size) +
               ") <label class=\"inline\"><input type=\"checkbox\" name=\"drop\" value=\"" + std::to_string(a.index) +
               "\"> Remove</label></p>";
    // A draft may have no recipient yet: "Save draft" skips the browser's check of To.
    out +=
        "<label>Attach <input type=\"file\" name=\"attach\" multiple></label><div class=\"actions\">"
        "<button name=\"action\" value=\"send\">Send</button>"
        "<button name=\"action\" value=\"draft\" formnovalidate>Save draft</button></div></form>";
    return out + std::string(bottom);
}

std::string notice_page(const Frame& f, std::string_view title, std::string_view text)
{
    return top(f, title) + "<h1>" + e(title) + "</h1><p id=\"notice\">" + e(text) + "</p>" + std::string(bottom);
}

std::string folders_page(const FoldersView& v)
{
    const Frame& f = v.frame;
    std::string out = top(f, "Folders") + "<h1>Folders</h1>";
    if (!v.error.empty())
        out += "<p class=\"error\" id=\"error\">" + e(v.error) + "</p>";
    if (!v.notice.empty())
        out += "<p class=\"notice\" id=\"notice\">" + e(v.notice) + "</p>";
    const std::string action = e(f.base) + "/folder";
    out += "<form method=\"post\" action=\"" + action + "\" class=\"create\">" + csrf_field(f.csrf) +
           "<label>New folder <input name=\"name\" value=\"" + e(v.typed) +
           "\" required maxlength=\"100\"></label><p class=\"hint\">A '.' makes a sub-folder: Work.Projects.</p>"
           "<button name=\"op\" value=\"create\">Create</button></form>\n<table class=\"folders\"><tbody>";
    for (const auto& folder : f.folders) {
        const std::string label = folder_label(folder.name);
        out += "<tr data-folder=\"" + e(folder.name) + "\"><td class=\"name\"><a href=\"" +
               e(box_url(f.base, folder.name)) + "\">" + e(label) + "</a></td><td class=\"count\">" +
               std::to_string(folder.unread) + " unread, " + std::to_string(folder.total) + " in all</td><td>";
        if (!fixed_folder(folder.name)) {
            const std::string which =
                csrf_field(f.csrf) + "<input type=\"hidden\" name=\"f\" value=\"" + e(folder.name) + "\">";
            out += "<form method=\"post\" action=\"" + action + "\" class=\"inline rename\">" + which +
                   "<input name=\"name\" value=\"" + e(label) +
                   "\" required aria-label=\"new name\">"
                   "<button name=\"op\" value=\"rename\">Rename</button></form> <form method=\"post\" action=\"" +
                   action + "\" class=\"inline delete\">" + which +
                   "<label class=\"inline\"><input type=\"checkbox\" name=\"confirm\" value=\"1\" required> with its "
                   "messages</label> <button name=\"op\" value=\"delete\">Delete</button></form>";
        }
        out += "</td></tr>";
    }
    return out + "</tbody></table>" + std::string(bottom);
}

std::string state_json(const Frame& f, std::uint32_t uid_next, std::string_view stamp)
{
    std::string out = "{\"folder\":" + core::json_string(f.folder) + ",\"uidnext\":" + std::to_string(uid_next) +
                      ",\"stamp\":" + core::json_string(stamp) + ",\"folders\":[";
    for (std::size_t i = 0; i < f.folders.size(); ++i)
        out += std::string(i ? "," : "") + "{\"name\":" + core::json_string(f.folders[i].name) +
               ",\"label\":" + core::json_string(folder_label(f.folders[i].name)) +
               ",\"unread\":" + std::to_string(f.folders[i].unread) +
               ",\"total\":" + std::to_string(f.folders[i].total) + "}";
    return out + "]}\n";
}

std::string_view app_script()
{
    // New mail without a reload: the /events stream (Server-Sent Events) sends the state at once
    // and whenever a folder changes; the unread counts follow it, and the folder's list is fetched
    // again when its UIDNEXT or stamp moved (ticked boxes stay ticked). Where the stream is refused
    // or replaced, /state is polled every 30 s instead; the reload link stays for those pages.
    return R"js("use strict";
(function () {
  const base = document.body.dataset.base, folder = document.body.dataset.folder;
  if (!base || !folder) return;
  const reload = document.getElementById("reload");
  let source = null, timer = null, busy = false, again = false, arrived = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const page = await fetch(location.href, {credentials: "same-origin"});
      if (!page.ok) return;
      const doc = new DOMParser().parseFromString(await page.text(), "text/html");
      const list = document.getElementById("list"), fresh = doc.getElementById("list");
      if (list && fresh) {
        const ticked = new Set(Array.from(list.querySelectorAll("input[name=uid]:checked"), i => i.value));
        for (const box of fresh.querySelectorAll("input[name=uid]")) box.checked = ticked.has(box.value);
        list.replaceWith(fresh);
        if (arrived) document.getElementById("newmail").hidden = false;
      }
      const nav = document.getElementById("folders"), freshNav = doc.getElementById("folders");
      if (nav && freshNav) nav.replaceWith(freshNav);
    } catch (e) { /* offline: the next event tries again */ } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  function apply(s) {
    const nav = document.getElementById("folders");
    const shown = Array.from(document.querySelectorAll("#folders a[data-folder]"), a => a.dataset.folder);
    let stale = shown.join("\n") !== s.folders.map(f => f.name).join("\n");
    for (const f of s.folders) {
      const a = document.querySelector('#folders a[data-folder="' + CSS.escape(f.name) + '"]');
      if (a) a.nextElementSibling.textContent = f.unread ? String(f.unread) : "";
    }
    const list = document.getElementById("list");
    if (list && s.folder === folder && (String(s.uidnext) !== list.dataset.uidnext || s.stamp !== list.dataset.stamp)) {
      if (String(s.uidnext) !== list.dataset.uidnext) arrived = true;
      stale = true;
    }
    if (stale && nav) refresh();
  }
  async function poll() {
    try {
      const r = await fetch(base + "/state?f=" + encodeURIComponent(folder), {credentials: "same-origin"});
      if (r.ok && (r.headers.get("Content-Type") || "").startsWith("application/json")) apply(await r.json());
    } catch (e) { /* offline: try again next time */ }
  }
  function fallback() {
    if (source) { source.close(); source = null; }
    if (reload) reload.hidden = false;
    if (!timer) timer = setInterval(poll, 30000);
  }
  if (window.EventSource) {
    source = new EventSource(base + "/events?f=" + encodeURIComponent(folder));
    source.addEventListener("state", e => { if (reload) reload.hidden = true; apply(JSON.parse(e.data)); });
    source.addEventListener("bye", fallback);
    source.onerror = () => { if (source && source.readyState === EventSource.CLOSED) fallback(); };
  } else {
    fallback();
  }
  document.addEventListener("visibilitychange", () => { if (!document.hidden && timer) poll(); });
})();
)js";
}

std::string_view style_sheet()
{
    return R"css(body{font-family:system-ui,sans-serif;margin:0;color:#222}
header{display:flex;gap:.6em;align-items:center;padding:.5em;background:#234;color:#fff;flex-wrap:wrap}
header a{color:#fff}.brand{font-weight:bold;text-decoration:none}.who{flex:1}
.inline{display:inline}nav ul{list-style:none;margin:0;padding:.3em;display:flex;flex-wrap:wrap;gap:.3em;background:#eef}
nav li{padding:.2em .5em}nav li.current{background:#cde;border-radius:4px}.count{font-weight:bold;color:#a00}
main{padding:.5em;max-width:60em}table.messages{width:100%;border-collapse:collapse}
table.messages td{padding:.35em;border-bottom:1px solid #ddd;vertical-align:top}tr.unseen{font-weight:bold}
.size,.date{white-space:nowrap;color:#666;font-size:.9em}.actions{margin:.4em 0;display:flex;flex-wrap:wrap;gap:.3em}
.error{color:#a00}.notice{background:#ffd;padding:.4em}pre.body{white-space:pre-wrap;word-wrap:break-word}
.body.html{border:1px solid #ddd;padding:.5em;overflow:auto}.body img{max-width:100%}
label{display:block;margin:.4em 0}input:not([type=checkbox]),textarea,select{font:inherit;max-width:100%}
.compose input[name],.compose textarea,.login input{width:100%;box-sizing:border-box}
button,.button{font:inherit;padding:.3em .7em}.login main{max-width:22em;margin:3em auto}
@media (max-width:600px){.size,td.flag{display:none}}
)css";
}

}  // namespace layer7::mail::web
