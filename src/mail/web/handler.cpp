// WebMail: see handler.hpp.
#include "mail/web/handler.hpp"

#include <algorithm>
#include <charconv>

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include "http/message/cookie.hpp"
#include "http/message/form.hpp"
#include "http/message/multipart.hpp"
#include "mail/imap/store_account.hpp"
#include "mail/message/address.hpp"
#include "mail/message/encoded_word.hpp"
#include "mail/message/message_builder.hpp"
#include "mail/message/mime_parser.hpp"
#include "mail/message/received.hpp"
#include "mail/store/accounts.hpp"
#include "mail/store/folder_name.hpp"
#include "mail/store/store.hpp"
#include "mail/web/folders.hpp"
#include "mail/web/pages.hpp"
#include "mail/web/sanitizer.hpp"

namespace layer7::mail::web {
namespace {

constexpr std::string_view session_cookie = "l7mail";
constexpr std::string_view login_cookie = "l7mail_login";  // the login form's CSRF pair
constexpr std::size_t max_form = 64 * 1024;                // every POST but /send

std::string random_token()
{
    unsigned char bytes[24];
    if (RAND_bytes(bytes, sizeof bytes) != 1)
        throw std::runtime_error("webmail: no randomness");
    static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
    std::string out;
    for (unsigned char b : bytes)
        out += alphabet[b & 63];
    for (int i = 0; i < 8; ++i)  // the high bits, four per byte pair
        out += alphabet[((bytes[3 * i] >> 6) | ((bytes[3 * i + 1] >> 6) << 2) | ((bytes[3 * i + 2] >> 6) << 4)) & 63];
    return out;
}

std::string_view field(const http::FormFields& fields, std::string_view name)
{
    for (const auto& [n, v] : fields)
        if (n == name)
            return v;
    return {};
}

std::uint32_t to_uid(std::string_view s)
{
    std::uint32_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    return ec == std::errc() && end == s.data() + s.size() ? v : 0;
}

std::string_view cookie(const http::Request& request, std::string_view name)
{
    auto value = request.fields.get("Cookie");
    if (!value)
        return {};
    for (const auto& c : http::parse_cookie_header(*value))
        if (c.name == name)
            return c.value;
    return {};
}

std::string set_cookie(std::string_view name, std::string_view value, std::string_view path, bool remove = false)
{
    http::SetCookie c;
    c.name = std::string(name);
    c.value = std::string(value);
    c.path = std::string(path);
    c.secure = true;  // browsers keep Secure cookies from http://localhost too
    c.http_only = true;
    c.same_site = http::SameSite::strict;
    if (remove)
        c.max_age = 0;
    return http::build_set_cookie(c).value_or("");
}

std::string content_security(bool remote_images)
{
    return std::string("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:") +
           (remote_images ? " http: https:" : "") +
           "; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
}

http::Reply page(http::Status status, std::string html, bool remote_images = false)
{
    http::Reply r = http::text_reply(status, std::move(html), "text/html; charset=utf-8");
    r.response.fields.add("Content-Security-Policy", content_security(remote_images));
    return r;
}

http::Reply redirect(const std::string& location)
{
    http::Reply r = http::text_reply(http::Status::see_other, "See " + location + "\n");
    r.response.fields.add("Location", location);
    return r;
}

std::string with_flag(std::string flags, char flag, bool on)
{
    std::erase(flags, flag);
    if (on)
        flags += flag;
    std::sort(flags.begin(), flags.end());
    return flags;
}

// A text part's content in UTF-8 (its charset converted when we know it).
std::string text_of(const MimePart& part)
{
    const std::string_view charset = part.content_type.param("charset");
    if (charset.empty())
        return part.body;
    return charset_to_utf8(charset, part.body).value_or(part.body);
}

struct Body {
    const MimePart* text = nullptr;
    const MimePart* html = nullptr;
};

Body body_of(const std::vector<const MimePart*>& leaves)
{
    Body b;
    for (const MimePart* p : leaves) {
        if (p->is_attachment())
            continue;
        if (!b.html && p->content_type.value == "text/html")
            b.html = p;
        if (!b.text && p->content_type.value == "text/plain")
            b.text = p;
    }
    return b;
}

std::string content_id(const MimePart& part)
{
    std::string id(part.header.get("Content-ID"));
    if (id.size() >= 2 && id.front() == '<' && id.back() == '>')
        id = id.substr(1, id.size() - 2);
    return id;
}

std::string quoted(std::string_view text)
{
    std::string out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t nl = text.find('\n', start);
        if (nl == std::string_view::npos)
            nl = text.size();
        std::string_view line = text.substr(start, nl - start);
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        out += "> " + std::string(line) + "\n";
        start = nl + 1;
    }
    return out;
}

std::vector<Mailbox> recipients(std::string_view text, bool& ok)
{
    ok = true;
    if (text.find_first_not_of(" \t,") == std::string_view::npos)
        return {};
    auto list = parse_address_list(text);
    if (!list) {
        ok = false;
        return {};
    }
    auto boxes = flatten(*list);
    for (const auto& b : boxes)
        ok = ok && !b.domain.empty();
    return boxes;
}

}  // namespace

struct WebMail::Request {
    const http::Request& http;
    const http::RequestContext& context;
    std::string base;   // the mount without a trailing '/'
    std::string route;  // after the base: "/", "/login", "/box", …
    http::FormFields query;
    std::string body;
    std::optional<WebSession> session;
    std::string peer;
    Time now{};

    bool post() const { return http.method == http::MethodId::post; }
};

// One message of a folder, read.
struct Loaded {
    imap::MessageRef ref;
    std::string bytes;
    MimePart root;
    std::vector<const MimePart*> leaves;
};

namespace {

// On the heap: `leaves` points into `root` (at `root` itself for a single-part message).
std::unique_ptr<Loaded> load(imap::StoreAccount& account, const std::string& folder, std::uint32_t uid)
{
    auto snap = account.snapshot(folder);
    if (!snap)
        return nullptr;
    auto it = std::find_if(snap->messages.begin(), snap->messages.end(), [&](const auto& m) { return m.uid == uid; });
    if (it == snap->messages.end())
        return nullptr;
    auto bytes = account.read(folder, *it);
    if (!bytes)
        return nullptr;
    auto l = std::make_unique<Loaded>(Loaded{*it, std::move(*bytes), {}, {}});
    auto root = parse_message(l->bytes);
    if (root) {
        l->root = std::move(*root);
    } else {  // a message the parser refuses is shown as one text part, never an error
        l->root.content_type = {"text/plain", {}};
        l->root.body = l->bytes;
    }
    l->leaves = leaves(l->root);
    return l;
}

core::Result<imap::FolderSnapshot, std::error_code> snapshot_of(imap::StoreAccount* account, const std::string& folder)
{
    if (!account)
        return core::fail(std::make_error_code(std::errc::io_error));
    return account->snapshot(folder);
}

std::string stamp_of(const imap::FolderSnapshot& snap)
{
    FolderStamp stamp;
    stamp.add(snap.validity);
    stamp.add(snap.next);
    for (const auto& m : snap.messages) {
        stamp.add(m.uid);
        stamp.add(m.flags);
    }
    return stamp.hex();
}

std::unique_ptr<imap::StoreAccount> open_account(const Store& store, const WebSession& s)
{
    auto box = store.mailbox(s.domain, s.user);
    if (!box)
        return nullptr;
    auto account = std::make_unique<imap::StoreAccount>(box->path());
    if (auto ec = account->open()) {
        spdlog::error("webmail: cannot open {}: {}", box->path(), ec.message());
        return nullptr;
    }
    return account;
}

// The attachments of a loaded message, by leaf number (what a "drop" box names).
std::vector<Attachment> attachments_of(const Loaded& loaded)
{
    std::vector<Attachment> out;
    for (std::size_t i = 0; i < loaded.leaves.size(); ++i)
        if (const MimePart& p = *loaded.leaves[i]; p.is_attachment())
            out.push_back({i, p.filename, p.content_type.value, p.body.size()});
    return out;
}

// The attachments of `folder`/`uid` to send or save again, but those whose leaf is in `dropped`.
void carry_attachments(imap::StoreAccount* account, const std::string& folder, std::uint32_t uid,
                       const std::vector<std::size_t>& dropped, std::vector<mail::Attachment>& out)
{
    auto original = account && uid ? load(*account, folder, uid) : nullptr;
    if (!original)
        return;
    for (std::size_t i = 0; i < original->leaves.size(); ++i) {
        const MimePart& p = *original->leaves[i];
        if (p.is_attachment() && std::find(dropped.begin(), dropped.end(), i) == dropped.end())
            out.push_back({p.filename, p.content_type.value, p.body});
    }
}

// Hands a whole message to `acceptor`; the id comes back once the message is durable (delivered
// into local Maildirs or queued in the spool: the acceptor decides).
core::Result<std::string, std::error_code> enqueue(Acceptor& acceptor, const Envelope& envelope,
                                                   std::string_view content)
{
    auto sink = acceptor.begin(envelope);
    if (!sink)
        return core::fail(sink.error());
    if (const auto ec = (*sink)->append(content))
        return core::fail(ec);
    return (*sink)->commit();
}

// Removes one message for good (a draft replaced or sent).
void remove_message(imap::StoreAccount& account, const std::string& folder, std::uint32_t uid)
{
    auto snap = account.snapshot(folder);
    if (!snap)
        return;
    for (const auto& m : snap->messages)
        if (m.uid == uid)
            if (auto ec = account.expunge(folder, m))
                spdlog::warn("webmail: cannot remove uid {} from {}: {}", uid, folder, ec.message());
}

constexpr std::string_view drafts_folder = "Drafts";
constexpr std::string_view draft_flags = "DS";  // \Draft, and \Seen: a draft is nothing unread

}  // namespace

WebMail::WebMail(Config config, std::shared_ptr<const System> system, std::shared_ptr<Acceptor> acceptor)
    : config_(std::move(config)), system_(std::move(system)), acceptor_(std::move(acceptor)), sessions_(random_token),
      pushes_(config_.push)
{
}

WebMail::~WebMail() = default;

core::awaitable<http::Outcome> WebMail::handle(http::Exchange& exchange)
{
    Request r{exchange.request, exchange.context, {}, {}, {}, {}, {}, {}, {}};
    r.base = std::string(exchange.context.mount);
    while (!r.base.empty() && r.base.back() == '/')
        r.base.pop_back();
    r.route = std::string(exchange.context.path.substr(std::min(r.base.size(), exchange.context.path.size())));
    if (r.route.empty())
        r.route = "/";
    r.query = http::decode_form(exchange.context.query).value_or(http::FormFields{});
    r.now = std::chrono::floor<std::chrono::seconds>(exchange.context.wall);
    r.peer = exchange.context.peer ? exchange.context.peer->address().to_string() : "";
    if (r.post()) {
        const std::uint64_t limit = r.route == "/send" ? config_.max_upload : max_form;
        const auto ec = co_await http::read_body(exchange.body, r.body, limit);
        if (ec)
            co_return http::body_error_reply(ec);
    }
    // Sending waits on the disk (the message made durable, a copy kept in Sent): not on this
    // worker's event loop.
    // Not one conditional expression: GCC 12 destroys the temporary of the branch without co_await
    // too early (ASan: heap-use-after-free on every page but /send).
    Answer a;
    if (r.route == "/send" && r.post())
        a = co_await core::run_blocking(exchange.context.blocking, [&] { return answer(r); });
    else
        a = answer(r);
    if (a.delay.count() > 0) {
        asio::steady_timer timer(co_await asio::this_coro::executor, a.delay);
        co_await timer.async_wait(core::use_tuple);
    }
    auto& fields = a.reply.response.fields;
    if (!fields.contains("Cache-Control"))
        fields.add("Cache-Control", "no-store");
    fields.add("X-Content-Type-Options", "nosniff");
    fields.add("Referrer-Policy", "no-referrer");
    fields.add("X-Frame-Options", "DENY");
    if (!fields.contains("Content-Security-Policy"))
        fields.add("Content-Security-Policy", "default-src 'none'; sandbox");
    co_return std::move(a.reply);
}

WebMail::Answer WebMail::answer(Request& r)
{
    const auto method = r.http.method.id();
    if (method != http::MethodId::get && method != http::MethodId::head && method != http::MethodId::post)
        return {http::not_allowed_reply("GET, HEAD, POST")};
    if (r.route == "/app.js" || r.route == "/style.css") {
        const bool js = r.route == "/app.js";
        http::Reply reply = http::text_reply(http::Status::ok, std::string(js ? app_script() : style_sheet()),
                                             js ? "text/javascript; charset=utf-8" : "text/css; charset=utf-8");
        reply.response.fields.add("Cache-Control", "max-age=300");
        return {std::move(reply)};
    }
    const bool loopback = r.context.peer && r.context.peer->address().is_loopback();
    if (!r.context.tls && !loopback && !config_.plaintext_login)
        return {page(http::Status::forbidden, "<!DOCTYPE html><p>Web mail is served over HTTPS only.</p>\n")};
    if (auto id = cookie(r.http, session_cookie); !id.empty()) {
        std::lock_guard lock(mutex_);
        // An open push stream is not the user at work: it does not keep the session alive.
        r.session = r.route == "/events" ? sessions_.peek(id, r.now) : sessions_.find(id, r.now);
    }
    if (r.route == "/login" && r.post())
        return login(r);
    if (!r.session) {
        if (r.route == "/events")  // EventSource gives up on anything but 200; the page polls
            return {http::text_reply(http::Status::forbidden, "no session\n")};
        if (r.post())
            return {page(http::Status::forbidden, login_page(r.base, "", "Your session has ended; log in again."))};
        std::string token;
        {
            std::lock_guard lock(mutex_);
            token = sessions_.token();
        }
        http::Reply reply = page(http::Status::ok, login_page(r.base, token, ""));
        reply.response.fields.add("Set-Cookie", set_cookie(login_cookie, token, r.base + "/login"));
        return {std::move(reply)};
    }
    // CSRF: every state-changing request carries the session's token in its form (for /send
    // the token is checked after the multipart body is split).
    if (r.post() && r.route != "/send") {
        auto form = http::decode_form(r.body).value_or(http::FormFields{});
        if (!same_token(field(form, "csrf"), r.session->csrf))
            return {page(http::Status::forbidden, "<!DOCTYPE html><p>Missing or wrong form token.</p>\n")};
        r.query.insert(r.query.end(), form.begin(), form.end());
    }
    if (r.route == "/logout" && r.post())
        return {logout(r)};
    if (r.route == "/send" && r.post())
        return {send(r)};
    if (r.route == "/act" && r.post())
        return {act(r)};
    if (r.route == "/folder" && r.post())
        return {folder_action(r)};
    if (r.post())
        return {http::not_allowed_reply("GET, HEAD")};
    if (r.route == "/" || r.route == "/login")
        return {redirect(r.base + "/box?f=INBOX")};
    if (r.route == "/box")
        return {mailbox(r)};
    if (r.route == "/msg")
        return {message(r)};
    if (r.route == "/part")
        return {part(r, false)};
    if (r.route == "/cid")
        return {part(r, true)};
    if (r.route == "/compose")
        return {compose(r)};
    if (r.route == "/state")
        return {state(r)};
    if (r.route == "/events")
        return {events(r)};
    if (r.route == "/folders")
        return {folders(r)};
    return {http::error_reply(http::Status::not_found)};
}

WebMail::Answer WebMail::login(Request& r)
{
    auto form = http::decode_form(r.body).value_or(http::FormFields{});
    const std::string login(field(form, "user"));
    const std::string_view password = field(form, "password");
    // The login form's token must match its cookie (double submit): no logging in from elsewhere.
    if (!same_token(field(form, "csrf"), cookie(r.http, login_cookie)))
        return {page(http::Status::forbidden, login_page(r.base, "", "The form expired; reload the page."))};
    const std::string by_name = "login:" + to_lower(login), by_peer = "peer:" + r.peer;
    std::chrono::seconds wait{0};
    {
        std::lock_guard lock(mutex_);
        wait = std::max(throttle_.retry_after(by_name, r.now), throttle_.retry_after(by_peer, r.now));
    }
    const std::string token(field(form, "csrf"));
    if (wait.count() > 0) {
        spdlog::warn("webmail: login for '{}' from {} refused: too many failures", login, r.peer);
        http::Reply reply = page(
            http::Status::too_many_requests,
            login_page(r.base, token, "Too many failed logins; try again in " + std::to_string(wait.count()) + " s."));
        reply.response.fields.add("Retry-After", std::to_string(wait.count()));
        return {std::move(reply)};
    }
    const std::optional<Account> account = system_->login(login, password, config_.domain);
    if (!account) {
        {
            std::lock_guard lock(mutex_);
            throttle_.failed(by_name, r.now);
            throttle_.failed(by_peer, r.now);
        }
        spdlog::warn("webmail: failed login for '{}' from {}", login, r.peer);
        return {page(http::Status::unauthorized, login_page(r.base, token, "Wrong user name or password.")),
                config_.failure_delay};
    }
    WebSession s;
    {
        std::lock_guard lock(mutex_);
        throttle_.succeeded(by_name);
        s = sessions_.create(login, account->domain, account->user, r.now);
    }
    if (!open_account(system_->store(), s))
        return {page(http::Status::internal_server_error, login_page(r.base, token, "Your mailbox cannot be opened."))};
    spdlog::info("webmail: {}@{} logged in from {}", s.user, s.domain, r.peer);
    http::Reply reply = redirect(r.base + "/box?f=INBOX");
    reply.response.fields.add("Set-Cookie", set_cookie(session_cookie, s.id, r.base));
    reply.response.fields.add("Set-Cookie", set_cookie(login_cookie, "", r.base + "/login", true));
    return {std::move(reply)};
}

http::Reply WebMail::logout(Request& r)
{
    {
        std::lock_guard lock(mutex_);
        sessions_.remove(r.session->id);
    }
    http::Reply reply = redirect(r.base + "/");
    reply.response.fields.add("Set-Cookie", set_cookie(session_cookie, "", r.base, true));
    return reply;
}

Frame WebMail::frame(Request& r, std::string folder)
{
    return frame(r.base, *r.session, std::move(folder));
}

Frame WebMail::frame(const std::string& base, const WebSession& session, std::string folder)
{
    Frame f{base, session.login, session.csrf, {}, std::move(folder)};
    auto account = open_account(system_->store(), session);
    if (!account)
        return f;
    for (const auto& name : account->folders()) {
        FolderRow row{name, 0, 0};
        if (auto snap = account->snapshot(name)) {
            row.total = snap->messages.size();
            for (const auto& m : snap->messages)
                row.unread += m.flags.find('S') == std::string::npos;
        }
        f.folders.push_back(std::move(row));
    }
    return f;
}

Summary WebMail::summary_of(imap::StoreAccount& account, const std::string& folder, std::uint32_t uid,
                            const std::string& unique, const std::string& flags, std::uint64_t size)
{
    const std::string key = account.folder_path(folder) + "/" + unique;  // one user's file, not a name alike
    {
        std::lock_guard lock(mutex_);
        if (auto it = summaries_.find(key); it != summaries_.end()) {
            Summary s = it->second;
            s.uid = uid;
            s.flags = flags;
            return s;
        }
    }
    const imap::MessageRef ref{uid, flags, size, unique};
    const auto bytes = account.read(folder, ref);
    Summary s = summarize(bytes.value_or(""), uid, flags, account.internal_date(folder, ref), size);
    std::lock_guard lock(mutex_);
    if (summaries_.size() >= 200000)  // a bound, not an LRU: rebuilding is cheap
        summaries_.clear();
    summaries_.emplace(key, s);
    return s;
}

http::Reply WebMail::mailbox(Request& r)
{
    MailboxView v;
    const std::string folder(field(r.query, "f").empty() ? "INBOX" : field(r.query, "f"));
    v.frame = frame(r, folder);
    auto account = open_account(system_->store(), *r.session);
    auto snap = snapshot_of(account.get(), folder);
    if (!snap)
        return page(http::Status::not_found, notice_page(v.frame, "No such folder", folder_label(folder)));
    v.uid_next = snap->next;
    v.stamp = stamp_of(*snap);
    v.query = parse_list_query(r.context.query);
    std::vector<Summary> all;
    all.reserve(snap->messages.size());
    for (const auto& m : snap->messages)
        all.push_back(summary_of(*account, folder, m.uid, m.key, m.flags, m.size));
    v.page = list_page(std::move(all), v.query);
    if (field(r.query, "notice") == "sent")
        v.notice = "Message queued for delivery.";
    return page(http::Status::ok, mailbox_page(v));
}

http::Reply WebMail::message(Request& r)
{
    const std::string folder(field(r.query, "f"));
    const std::uint32_t uid = to_uid(field(r.query, "uid"));
    auto account = open_account(system_->store(), *r.session);
    auto loaded = account ? load(*account, folder, uid) : nullptr;
    if (!loaded)
        return page(http::Status::not_found,
                    notice_page(frame(r, folder), "No such message", "It may have been moved or deleted."));
    if (loaded->ref.flags.find('S') == std::string::npos)
        (void)account->set_flags(folder, loaded->ref, with_flag(loaded->ref.flags, 'S', true));
    MessageView v;
    v.frame = frame(r, folder);
    v.uid = uid;
    const Header& h = loaded->root.header;
    v.from = decode_encoded_words(h.get("From"));
    v.to = decode_encoded_words(h.get("To"));
    v.cc = decode_encoded_words(h.get("Cc"));
    v.date = std::string(h.get("Date"));
    v.subject = subject(loaded->root);
    v.flags = loaded->ref.flags;
    v.remote_allowed = field(r.query, "remote") == "1";
    const Body body = body_of(loaded->leaves);
    if (body.html) {
        SanitizeOptions options;
        options.allow_remote_images = v.remote_allowed;
        const std::string cid_base = r.base + "/cid?f=" + url_value(folder) + "&uid=" + std::to_string(uid) + "&id=";
        options.cid_url = [&](std::string_view id) -> std::optional<std::string> { return cid_base + url_value(id); };
        Sanitized clean = sanitize_html(text_of(*body.html), options);
        v.html = true;
        v.body = std::move(clean.html);
        v.blocked_images = clean.blocked_images;
    } else if (body.text) {
        v.body = text_of(*body.text);
    }
    for (std::size_t i = 0; i < loaded->leaves.size(); ++i) {
        const MimePart& p = *loaded->leaves[i];
        if (p.is_attachment())
            v.attachments.push_back({i, p.filename, p.content_type.value, p.body.size()});
    }
    return page(http::Status::ok, message_page(v), v.remote_allowed);
}

http::Reply WebMail::part(Request& r, bool by_content_id)
{
    const std::string folder(field(r.query, "f"));
    auto account = open_account(system_->store(), *r.session);
    auto loaded = account ? load(*account, folder, to_uid(field(r.query, "uid"))) : nullptr;
    if (!loaded)
        return http::error_reply(http::Status::not_found);
    const MimePart* found = nullptr;
    if (by_content_id) {
        for (const MimePart* p : loaded->leaves)
            if (content_id(*p) == field(r.query, "id") && p->content_type.value.starts_with("image/"))
                found = p;
    } else if (const std::size_t n = to_uid(field(r.query, "n")); n < loaded->leaves.size()) {
        found = loaded->leaves[n];
    }
    if (!found)
        return http::error_reply(http::Status::not_found);
    http::Reply reply;
    reply.response.status = http::Status::ok;
    reply.body.push_back(http::BodyPiece::of_text(found->body));
    // Inline only for images shown in a message; everything else is a download, never a page of
    // ours (an HTML attachment must not run on this origin).
    static constexpr std::string_view inline_types[] = {"image/png", "image/gif", "image/jpeg", "image/webp"};
    const bool inline_image = by_content_id && std::find(std::begin(inline_types), std::end(inline_types),
                                                         found->content_type.value) != std::end(inline_types);
    reply.response.fields.add("Content-Type", inline_image ? found->content_type.value : "application/octet-stream");
    const std::string name = found->filename.empty() ? "part" : found->filename;
    reply.response.fields.add("Content-Disposition", std::string(inline_image ? "inline" : "attachment") +
                                                         "; filename*=UTF-8''" + url_value(name));
    reply.response.fields.add("Content-Security-Policy", "default-src 'none'; sandbox");
    return reply;
}

http::Reply WebMail::compose(Request& r)
{
    ComposeView v;
    v.frame = frame(r, "");
    const std::string mode(field(r.query, "mode"));
    const std::string folder(mode == "draft" ? std::string(drafts_folder) : std::string(field(r.query, "f")));
    if (mode != "reply" && mode != "forward" && mode != "draft")
        return page(http::Status::ok, compose_page(v));
    auto account = open_account(system_->store(), *r.session);
    auto loaded = account ? load(*account, folder, to_uid(field(r.query, "uid"))) : nullptr;
    if (!loaded)
        return page(http::Status::not_found,
                    notice_page(v.frame, "No such message", "It may have been moved or deleted."));
    const Header& h = loaded->root.header;
    const std::string subj = subject(loaded->root);
    const Body body = body_of(loaded->leaves);
    const std::string text = body.text ? text_of(*body.text) : std::string();
    const std::string from = decode_encoded_words(h.get("From"));
    if (mode == "draft") {  // resumed as it was saved: fields, text and attachments
        v.to = decode_encoded_words(h.get("To"));
        v.cc = decode_encoded_words(h.get("Cc"));
        v.subject = subj;
        v.text = text;
        v.draft_uid = loaded->ref.uid;
        v.forwarded = attachments_of(*loaded);
        if (field(r.query, "notice") == "saved")
            v.notice = "Draft saved.";
    } else if (mode == "reply") {
        v.to = std::string(h.get("Reply-To").empty() ? h.get("From") : h.get("Reply-To"));
        v.subject = to_lower(subj).starts_with("re:") ? subj : "Re: " + subj;
        v.text = "\n\nOn " + std::string(h.get("Date")) + ", " + from + " wrote:\n" + quoted(text);
    } else {
        v.subject = to_lower(subj).starts_with("fwd:") ? subj : "Fwd: " + subj;
        v.text = "\n\n---------- Forwarded message ----------\nFrom: " + from +
                 "\nDate: " + std::string(h.get("Date")) + "\nSubject: " + subj +
                 "\nTo: " + decode_encoded_words(h.get("To")) + "\n\n" + text;
        v.forward_folder = folder;
        v.forward_uid = loaded->ref.uid;
        v.forwarded = attachments_of(*loaded);
    }
    return page(http::Status::ok, compose_page(v));
}

http::Reply WebMail::send(Request& r)
{
    auto parts = http::parse_form_fields(r.http.fields.get("Content-Type").value_or(""), r.body);
    if (!parts)
        return http::text_reply(http::Status::bad_request, "expected multipart/form-data\n");
    if (!same_token(http::form_value(*parts, "csrf"), r.session->csrf))
        return page(http::Status::forbidden, "<!DOCTYPE html><p>Missing or wrong form token.</p>\n");
    ComposeView v;
    v.frame = frame(r, "");
    v.to = std::string(http::form_value(*parts, "to"));
    v.cc = std::string(http::form_value(*parts, "cc"));
    v.subject = std::string(http::form_value(*parts, "subject"));
    v.text = std::string(http::form_value(*parts, "text"));
    v.forward_folder = std::string(http::form_value(*parts, "fwd_f"));
    v.forward_uid = to_uid(http::form_value(*parts, "fwd_uid"));
    v.draft_uid = to_uid(http::form_value(*parts, "draft_uid"));
    const bool save = http::form_value(*parts, "action") == "draft";  // else send (the default button)
    std::vector<std::size_t> dropped;
    for (const auto& p : *parts)
        if (p.head.name == "drop")
            dropped.push_back(to_uid(p.data));
    bool to_ok = true, cc_ok = true;
    Draft d;
    d.from = Mailbox{"", r.session->user, r.session->domain};
    d.to = recipients(v.to, to_ok);
    d.cc = recipients(v.cc, cc_ok);
    if (!to_ok || !cc_ok || (!save && d.to.empty() && d.cc.empty())) {  // a draft may have no one yet
        v.error = "Give at least one recipient as name@domain (several separated by commas).";
        return page(http::Status::bad_request, compose_page(v));
    }
    d.subject = v.subject;
    d.date = r.now;
    d.text = v.text;
    {
        std::lock_guard lock(mutex_);
        d.message_id = sessions_.token();
    }
    // What the original or the draft had comes first, in its order; then what was just uploaded.
    auto account = open_account(system_->store(), *r.session);
    carry_attachments(account.get(), v.forward_folder, v.forward_uid, dropped, d.attachments);
    carry_attachments(account.get(), std::string(drafts_folder), v.draft_uid, dropped, d.attachments);
    for (const auto& p : *parts)
        if (p.head.name == "attach" && p.is_file())
            d.attachments.push_back({*p.head.filename, p.head.content_type, p.data});
    auto message = build_message(d);
    if (!message) {
        v.error = "That message cannot be written (check the addresses).";
        return page(http::Status::bad_request, compose_page(v));
    }
    if (save) {
        // The new version first, then the old one goes: a failure never loses the draft.
        core::Result<std::uint32_t, std::error_code> saved = core::fail(std::make_error_code(std::errc::io_error));
        if (account)
            saved = account->append(drafts_folder, *message, draft_flags, r.now.time_since_epoch().count());
        if (!saved) {
            spdlog::error("webmail: cannot save a draft for {}: {}", d.from.address(), saved.error().message());
            v.error = "The draft could not be saved; try again.";
            return page(http::Status::service_unavailable, compose_page(v));
        }
        if (v.draft_uid)
            remove_message(*account, std::string(drafts_folder), v.draft_uid);
        return redirect(r.base + "/compose?mode=draft&uid=" + std::to_string(*saved) + "&notice=saved");
    }
    Envelope envelope;
    envelope.helo = config_.hostname;
    envelope.mail_from = d.from.address();
    for (const auto* list : {&d.to, &d.cc})
        for (const auto& m : *list)
            if (std::find(envelope.rcpt_to.begin(), envelope.rcpt_to.end(), m.address()) == envelope.rcpt_to.end())
                envelope.rcpt_to.push_back(m.address());
    envelope.auth_user = r.session->login;
    envelope.client_address = r.peer;
    envelope.protocol = r.context.tls ? "HTTPS" : "HTTP";
    envelope.tls = r.context.tls;
    envelope.eight_bit_mime = true;
    TraceInfo trace{"webmail", "", r.peer, config_.hostname, envelope.protocol, "", "", r.now, 0};
    const std::string content = build_received(trace) + *message;
    auto id = enqueue(*acceptor_, envelope, content);
    if (!id) {
        spdlog::error("webmail: cannot queue mail from {}: {}", envelope.mail_from, id.error().message());
        v.error = "The message could not be queued; try again.";
        return page(http::Status::service_unavailable, compose_page(v));
    }
    spdlog::info("webmail: {} queued {} for {} recipient(s)", envelope.mail_from, *id, envelope.rcpt_to.size());
    const auto arrival = r.now.time_since_epoch().count();
    if (account) {
        (void)account->append("Sent", *message, "S", arrival);
        if (v.draft_uid)  // sent: the draft has done its work
            remove_message(*account, std::string(drafts_folder), v.draft_uid);
    }
    return redirect(r.base + "/box?f=INBOX&notice=sent");
}

http::Reply WebMail::act(Request& r)
{
    const std::string folder(field(r.query, "f"));
    const std::string op(field(r.query, "op"));
    const std::string to(field(r.query, "to"));
    auto account = open_account(system_->store(), *r.session);
    auto snap = snapshot_of(account.get(), folder);
    if (!snap)
        return http::error_reply(http::Status::not_found);
    // Delete moves to Trash; deleting in Trash removes for good.
    const bool expunge = op == "delete" && folder == "Trash";
    const std::string target = op == "delete" ? "Trash" : to;
    if (op == "move" && (target.empty() || target == folder))
        return redirect(r.base + "/box?f=" + url_value(folder));
    for (const auto& [name, value] : r.query) {
        if (name != "uid")
            continue;
        auto it = std::find_if(snap->messages.begin(), snap->messages.end(),
                               [uid = to_uid(value)](const auto& m) { return m.uid == uid; });
        if (it == snap->messages.end())
            continue;
        std::error_code ec;
        if (op == "flag" || op == "unflag") {
            ec = account->set_flags(folder, *it, with_flag(it->flags, 'F', op == "flag"));
        } else if (op == "read" || op == "unread") {
            ec = account->set_flags(folder, *it, with_flag(it->flags, 'S', op == "read"));
        } else if (expunge) {
            ec = account->expunge(folder, *it);
        } else if (op == "delete" || op == "move") {
            auto bytes = account->read(folder, *it);
            if (!bytes)
                continue;
            auto copied = account->append(target, *bytes, it->flags, account->internal_date(folder, *it));
            ec = copied ? account->expunge(folder, *it) : copied.error();
        } else {
            return http::text_reply(http::Status::bad_request, "unknown action\n");
        }
        if (ec)
            spdlog::warn("webmail: {} in {} for {}@{}: {}", op, folder, r.session->user, r.session->domain,
                         ec.message());
    }
    const std::string back = list_query_string(parse_list_query(field(r.query, "back")));  // never raw into Location
    return redirect(r.base + "/box?f=" + url_value(folder) + (back.empty() ? "" : "&" + back));
}

http::Reply WebMail::folders(Request& r)
{
    FoldersView v;
    v.frame = frame(r, "");
    static constexpr std::pair<std::string_view, std::string_view> notices[] = {
        {"created", "Folder created."}, {"renamed", "Folder renamed."}, {"deleted", "Folder deleted."}};
    for (const auto& [key, text] : notices)
        if (field(r.query, "notice") == key)
            v.notice = std::string(text);
    return page(http::Status::ok, folders_page(v));
}

http::Reply WebMail::folder_action(Request& r)
{
    const std::string op(field(r.query, "op"));
    const std::string folder(field(r.query, "f"));
    FoldersView v;
    const auto refuse = [&](http::Status status, std::string error) {
        v.frame = frame(r, "");  // after the change, if any: the list as it is now
        v.error = std::move(error);
        return page(status, folders_page(v));
    };
    auto account = open_account(system_->store(), *r.session);
    if (!account)
        return refuse(http::Status::service_unavailable, "Your mailbox cannot be opened.");
    std::string name;
    if (op == "create" || op == "rename") {
        auto typed = folder_name_from_input(field(r.query, "name"));
        if (!typed) {
            if (op == "create")
                v.typed = std::string(field(r.query, "name")).substr(0, 200);
            return refuse(http::Status::bad_request, typed.error());
        }
        name = std::move(*typed);
    }
    if (op != "create") {
        const auto all = account->folders();
        if (std::find(all.begin(), all.end(), folder) == all.end())
            return refuse(http::Status::not_found, "No such folder.");
        if (fixed_folder(folder))
            return refuse(http::Status::forbidden,
                          folder_label(folder) + " is one of the folders every account keeps.");
    }
    std::error_code ec;
    if (op == "create") {
        ec = account->create(name);
        if (!ec)
            ec = account->subscribe(name, true);  // IMAP clients that show subscribed folders see it too
    } else if (op == "rename") {
        if (name == folder)
            return redirect(r.base + "/folders");
        const auto subscribed = account->subscriptions();
        ec = account->rename(folder, name);
        if (!ec)  // the subscriptions follow the folder and its sub-folders
            for (const auto& old : subscribed)
                if (old == folder || old.starts_with(folder + folder_delimiter)) {
                    (void)account->subscribe(old, false);
                    (void)account->subscribe(name + old.substr(folder.size()), true);
                }
    } else if (op == "delete") {
        if (field(r.query, "confirm") != "1")
            return refuse(http::Status::bad_request,
                          "Tick the box to delete " + folder_label(folder) + " with its messages.");
        ec = account->remove(folder);
    } else {
        return http::text_reply(http::Status::bad_request, "unknown action\n");
    }
    if (ec == std::errc::file_exists)
        return refuse(http::Status::conflict, "A folder named " + folder_label(name) + " exists already.");
    if (ec == std::errc::directory_not_empty)
        return refuse(http::Status::conflict, "Delete or move the sub-folders of " + folder_label(folder) + " first.");
    if (ec == std::errc::invalid_argument || ec == std::errc::operation_not_permitted)
        return refuse(http::Status::bad_request, "That folder name cannot be used.");
    if (ec) {
        spdlog::warn("webmail: {} of folder '{}' for {}@{}: {}", op, op == "create" ? name : folder, r.session->user,
                     r.session->domain, ec.message());
        return refuse(http::Status::internal_server_error, "The folder could not be changed; try again.");
    }
    spdlog::info("webmail: {}@{}: {} folder '{}'{}", r.session->user, r.session->domain, op,
                 op == "create" ? name : folder, op == "rename" ? " to '" + name + "'" : "");
    return redirect(r.base + "/folders?notice=" +
                    (op == "create"   ? "created"
                     : op == "rename" ? "renamed"
                                      : "deleted"));
}

http::Reply WebMail::state(Request& r)
{
    const std::string folder(field(r.query, "f").empty() ? "INBOX" : field(r.query, "f"));
    auto json = state_of(r.base, *r.session, folder);
    if (!json)
        return http::error_reply(http::Status::not_found);
    return http::text_reply(http::Status::ok, std::move(*json), "application/json");
}

std::optional<std::string> WebMail::state_of(const std::string& base, const WebSession& session,
                                             const std::string& folder)
{
    Frame f = frame(base, session, folder);
    auto account = open_account(system_->store(), session);
    auto snap = snapshot_of(account.get(), folder);
    if (!snap)
        return std::nullopt;
    return state_json(f, snap->next, stamp_of(*snap));
}

http::Reply WebMail::events(Request& r)
{
    const std::string folder(field(r.query, "f").empty() ? "INBOX" : field(r.query, "f"));
    if (auto account = open_account(system_->store(), *r.session); !snapshot_of(account.get(), folder))
        return http::error_reply(http::Status::not_found);
    const std::string user = r.session->user + "@" + r.session->domain;
    PushRegistry::Opened opened;
    std::vector<std::shared_ptr<PushControl>> replaced;
    {
        std::lock_guard lock(mutex_);
        opened = pushes_.open(r.session->id, user);
        for (std::uint64_t id : opened.replaced) {
            if (auto it = push_controls_.find(id); it != push_controls_.end()) {
                if (auto control = it->second.lock())
                    replaced.push_back(std::move(control));
                push_controls_.erase(it);
            }
        }
    }
    for (auto& control : replaced)
        control->end();
    if (!opened.ok) {
        spdlog::warn("webmail: push stream for {} refused: {} streams open", user, config_.push.total);
        http::Reply reply = http::text_reply(http::Status::too_many_requests, "too many push streams; poll /state\n");
        reply.response.fields.add("Retry-After", "30");
        return reply;
    }
    auto stream = std::make_shared<PushStream>(shared_from_this(), opened.id, r.session->id, folder, config_.push);
    stream->hold(
        system_->listen(r.session->domain, r.session->user, [control = stream->control()] { control->delivered(); }));
    {
        std::lock_guard lock(mutex_);
        push_controls_[opened.id] = stream->control();
    }
    http::Reply reply;
    reply.response.status = http::Status::ok;
    reply.response.fields.add("Content-Type", "text/event-stream; charset=utf-8");
    reply.response.fields.add("Cache-Control", "no-store");
    reply.source = std::move(stream);
    reply.chunked = true;
    reply.live = true;
    return reply;
}

std::optional<PushFeed::State> WebMail::push_state(const std::string& session_id, const std::string& folder)
{
    std::optional<WebSession> session;
    {
        std::lock_guard lock(mutex_);
        session = sessions_.peek(session_id, std::chrono::floor<std::chrono::seconds>(Clock::now()));
    }
    if (!session)
        return std::nullopt;
    auto account = open_account(system_->store(), *session);
    if (!account)
        return std::nullopt;
    PushFeed::State state;
    const std::string base;  // the state names no URL
    auto json = state_of(base, *session, folder);
    if (!json)
        json = state_json(frame(base, *session, folder), 0, "");  // the folder went: counts still matter
    while (!json->empty() && json->back() == '\n')
        json->pop_back();
    state.json = std::move(*json);
    for (const auto& name : account->folders())
        if (auto path = account->folder_path(name); !path.empty())
            state.folders.push_back(std::move(path));
    state.root = account->folder_path("INBOX");
    return state;
}

void WebMail::push_closed(std::uint64_t id)
{
    std::lock_guard lock(mutex_);
    pushes_.close(id);
    push_controls_.erase(id);
}

}  // namespace layer7::mail::web
