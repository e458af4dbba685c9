// The pure IMAP session: see session.hpp.
//
// Theory of operation (RFC 3501 §3). NOT AUTHENTICATED: LOGIN or AUTHENTICATE PLAIN check the
// password through Policy::check_credentials (plaintext only over TLS or loopback unless allowed),
// then ask the shell to open the account (Action::open_account → on_account()). AUTHENTICATED:
// mailbox commands through the Account. SELECTED: `view_` is the folder as this session has
// announced it — message sequence numbers are indexes into it. After each command the folder is
// looked at again (refresh): new UIDs become "* n EXISTS", changed flags "* n FETCH (FLAGS …)",
// and vanished UIDs "* n EXPUNGE" — except after FETCH, STORE and SEARCH, where RFC 3501 §7.4.1
// forbids EXPUNGE, so a vanished message stays in the view until a later command. IDLE asks the
// shell to wait; every folder change it reports is a refresh with EXPUNGE allowed.
//
// CONDSTORE (RFC 7162): the view keeps each message's mod-sequence, and a refresh reports a message
// whose mod-sequence moved. The extension is off until an enabling command (ENABLE, SELECT
// (CONDSTORE), STATUS HIGHESTMODSEQ, FETCH MODSEQ or CHANGEDSINCE, SEARCH MODSEQ, STORE
// UNCHANGEDSINCE); from then on SELECT tells HIGHESTMODSEQ and every untagged FETCH about flags
// carries MODSEQ. STORE and FETCH's implicit \Seen go through Account::update_flags, so an
// UNCHANGEDSINCE test and the change are one step and the new mod-sequences come back at once.
// QRESYNC (after ENABLE QRESYNC): expunges are told as one "* VANISHED uids" instead of EXPUNGEs,
// every FETCH names its UID, and SELECT (QRESYNC (…)) and UID FETCH (CHANGEDSINCE n VANISHED) tell
// "* VANISHED (EARLIER) …" from the store's record of expunged UIDs (Account::vanished).
#include "mail/imap/session.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <unordered_map>

#include "core/bytes/base64.hpp"
#include "mail/imap/dates.hpp"
#include "mail/imap/message_view.hpp"
#include "mail/imap/search.hpp"
#include "mail/store/folder_name.hpp"

namespace layer7::mail::imap {

namespace {

constexpr unsigned not_auth = 1, auth = 2, selected = 4;

// A FETCH response goes out in chunks of about this size (whole messages): the client reads one
// while the next is made, and memory per session stays bounded by it, not by the mailbox.
constexpr std::size_t fetch_chunk = 128 * 1024;

struct FlagName {
    char letter;
    std::string_view name;
};
constexpr FlagName flag_names[] = {{'R', "\\Answered"},
                                   {'F', "\\Flagged"},
                                   {'T', "\\Deleted"},
                                   {'S', "\\Seen"},
                                   {'D', "\\Draft"}};
constexpr std::string_view system_flags = "(\\Answered \\Flagged \\Deleted \\Seen \\Draft)";

std::string imap_flags(std::string_view letters)
{
    std::string out = "(";
    for (const auto& f : flag_names)
        if (letters.find(f.letter) != std::string_view::npos) {
            if (out.size() > 1)
                out += ' ';
            out += f.name;
        }
    return out + ")";
}

std::optional<char> letter_of(std::string_view flag)
{
    for (const auto& f : flag_names)
        if (iequals(f.name, flag))
            return f.letter;
    return std::nullopt;  // a keyword or \Recent: not stored (PERMANENTFLAGS says so)
}

std::string sorted(std::string letters)
{
    std::sort(letters.begin(), letters.end());
    letters.erase(std::unique(letters.begin(), letters.end()), letters.end());
    return letters;
}

std::string uid_set_text(const std::vector<std::uint32_t>& uids)
{
    std::string out;
    for (std::size_t i = 0; i < uids.size();) {
        std::size_t j = i;
        while (j + 1 < uids.size() && uids[j + 1] == uids[j] + 1)
            ++j;
        if (!out.empty())
            out += ',';
        out += std::to_string(uids[i]);
        if (j > i)
            out += ":" + std::to_string(uids[j]);
        i = j + 1;
    }
    return out;
}

// LIST patterns (RFC 3501 §6.3.8): '*' matches anything, '%' anything but the delimiter.
bool wildcard_match(std::string_view pattern, std::string_view name)
{
    if (pattern.empty())
        return name.empty();
    if (pattern.front() == '*' || pattern.front() == '%') {
        for (std::size_t i = 0; i <= name.size(); ++i) {
            if (wildcard_match(pattern.substr(1), name.substr(i)))
                return true;
            if (i < name.size() && pattern.front() == '%' && name[i] == mail::folder_delimiter)
                return false;
        }
        return false;
    }
    return !name.empty() && pattern.front() == name.front() && wildcard_match(pattern.substr(1), name.substr(1));
}

bool list_match(std::string_view pattern, std::string_view name)
{
    // INBOX is case-insensitive; so is its spelling in a pattern.
    if (mail::is_inbox(name) && pattern.size() >= 5 && mail::is_inbox(pattern.substr(0, 5)))
        return wildcard_match("INBOX" + std::string(pattern.substr(5)), "INBOX");
    return wildcard_match(pattern, name);
}

std::string error_text(const std::error_code& ec)
{
    if (ec == std::errc::file_exists)
        return "[ALREADYEXISTS] mailbox already exists";
    if (ec == std::errc::no_such_file_or_directory)
        return "[NONEXISTENT] no such mailbox";
    if (ec == std::errc::invalid_argument)
        return "[CANNOT] invalid mailbox name";
    if (ec == std::errc::operation_not_permitted)
        return "[CANNOT] not allowed for INBOX";
    if (ec == std::errc::directory_not_empty)
        return "[INUSE] mailbox has children";
    return "[SERVERBUG] " + ec.message();
}

// Where a FETCH's items end in `text` (the rest of the command): after the parenthesised list or the
// one item, counting [] and () as sections nest them; npos when they do not balance.
std::size_t item_list_end(std::string_view text)
{
    int depth = 0;
    std::size_t end = 0;
    for (; end < text.size() && (depth > 0 || text[end] != ' '); ++end) {
        if (text[end] == '[' || text[end] == '(')
            ++depth;
        else if ((text[end] == ']' || text[end] == ')') && --depth < 0)
            return std::string_view::npos;
    }
    return depth == 0 ? end : std::string_view::npos;
}

struct FetchModifiers {
    std::optional<std::uint64_t> changed_since;
    bool vanished = false;
};

// " (CHANGEDSINCE n [VANISHED])" after a FETCH's items (RFC 4466 §2.4, RFC 7162 §3.1.4.1, §3.2.6).
std::optional<FetchModifiers> parse_fetch_modifiers(std::string_view text)
{
    const RawCommand raw{std::string(text), {}};
    Reader in(raw);
    FetchModifiers out;
    if (!in.space() || !in.consume('('))
        return std::nullopt;
    do {
        auto name = in.atom();
        if (name && iequals(*name, "VANISHED") && !out.vanished) {
            out.vanished = true;
            continue;
        }
        if (!name || !iequals(*name, "CHANGEDSINCE") || out.changed_since || !in.space())
            return std::nullopt;
        out.changed_since = in.mod_sequence(true);
        if (!out.changed_since)
            return std::nullopt;
    } while (in.space());
    if (!in.consume(')') || !in.at_end())
        return std::nullopt;
    return out;
}

// Sorted, overlaps and neighbours joined.
std::vector<UidRange> merged(std::vector<UidRange> ranges)
{
    std::sort(ranges.begin(), ranges.end());
    std::vector<UidRange> out;
    for (const auto& r : ranges)
        if (!out.empty() && r.first <= out.back().second + std::uint64_t{1})
            out.back().second = std::max(out.back().second, r.second);
        else
            out.push_back(r);
    return out;
}

// `ranges` ∩ `set`, "*" standing for `largest`.
std::vector<UidRange> intersect(const std::vector<UidRange>& ranges, const SequenceSet& set, std::uint32_t largest)
{
    std::vector<UidRange> out;
    for (const auto& r : set.ranges) {
        std::uint32_t a = r.first == SequenceSet::star ? largest : r.first;
        std::uint32_t b = r.last == SequenceSet::star ? largest : r.last;
        if (a > b)
            std::swap(a, b);
        for (const auto& [c, d] : ranges)
            if (std::max(a, c) <= std::min(b, d))
                out.emplace_back(std::max(a, c), std::min(b, d));
    }
    return merged(std::move(out));
}

// `ranges` (ascending, disjoint) without the UIDs of `present` (ascending). UIDs stay below 2^32-1.
std::vector<UidRange> without(const std::vector<UidRange>& ranges, const std::vector<MessageRef>& present)
{
    std::vector<UidRange> out;
    std::size_t k = 0;
    for (const auto& [a, b] : ranges) {
        while (k < present.size() && present[k].uid < a)
            ++k;
        std::uint32_t from = a;
        for (; k < present.size() && present[k].uid <= b; ++k) {
            if (present[k].uid > from)
                out.emplace_back(from, present[k].uid - 1);
            from = present[k].uid + 1;
        }
        if (from <= b)
            out.emplace_back(from, b);
    }
    return out;
}

std::string ranges_text(const std::vector<UidRange>& ranges)
{
    std::string out;
    for (const auto& [a, b] : ranges) {
        if (!out.empty())
            out += ',';
        out += std::to_string(a);
        if (b > a)
            out += ":" + std::to_string(b);
    }
    return out;
}

// SELECT's QRESYNC parameter (RFC 7162 §3.2.5): "(" uidvalidity SP modseq [SP known-uids]
// [SP "(" known-sequence-set SP known-uid-set ")"] ")". The sequence match data only narrows what a
// server must tell; we tell it all, so it is checked and set aside.
struct Resync {
    std::uint32_t validity = 0;
    std::uint64_t modseq = 0;
    std::optional<SequenceSet> known;
};

std::optional<Resync> parse_resync(Reader& in, std::size_t max_ranges)
{
    Resync out;
    auto validity = in.space() && in.consume('(') ? in.number() : std::nullopt;
    auto modseq = validity && in.space() ? in.mod_sequence(false) : std::nullopt;
    if (!modseq)
        return std::nullopt;
    out.validity = *validity;
    out.modseq = *modseq;
    if (in.space()) {
        if (in.peek() != '(') {
            out.known = in.sequence_set(max_ranges);
            if (!out.known || (in.space() && in.peek() != '('))
                return std::nullopt;
        }
        if (in.consume('(')) {
            auto sequences = in.sequence_set(max_ranges);
            auto uids = sequences && in.space() ? in.sequence_set(max_ranges) : std::nullopt;
            if (!uids || !in.consume(')'))
                return std::nullopt;
        }
    }
    if (!in.consume(')'))
        return std::nullopt;
    return out;
}

}  // namespace

struct Session::Context {
    std::string tag;
    bool uid = false;
    Reader& in;
    bool examine = false;  // SELECT and EXAMINE share a handler
};

struct Session::FetchItem {
    std::string name;  // upper case: "FLAGS", "BODY.PEEK", …
    std::optional<MessageView::Section> section;
    std::string label;  // "BODY[HEADER.FIELDS (FROM)]"
    std::optional<std::pair<std::uint64_t, std::uint64_t>> partial;
    // BODY[] and BODY.PEEK[] of a whole message: the file, converted into the response on the way,
    // with no parse and no copy of it (a FETCH of a folder's bodies is megabytes).
    bool whole_message() const
    {
        return section && section->part.empty() && section->kind == MessageView::Section::Kind::all && !partial;
    }
};

// A FETCH being answered a chunk at a time (on_more()). Nothing else runs until it ends, so its
// indexes into view_ hold.
struct Session::FetchJob {
    std::string tag;
    std::vector<FetchItem> items;
    std::vector<std::size_t> chosen;  // indexes into view_.messages, in answer order
    std::vector<bool> flags_changed;  // by index into view_.messages: \Seen just set, tell FLAGS
    bool uid_first = false;           // UID FETCH, or QRESYNC on (RFC 7162 §3.2.4)
    bool wants_modseq = false;
    bool expunge_ok = false;  // the news after it may hold EXPUNGE (UID FETCH, RFC 3501 §7.4.1)
    std::size_t next = 0;     // in chosen
    std::string first;        // what goes before the first FETCH response
};

struct Session::Command {
    std::string_view name;
    Step (Session::*handler)(Context&);
    unsigned states;
    bool allows_uid;  // FETCH, STORE, COPY, MOVE, SEARCH, EXPUNGE
    bool no_expunge;  // FETCH, STORE, SEARCH: no EXPUNGE responses after it
};

const Session::Command* Session::find(std::string_view name)
{
    static constexpr std::array<Command, 31> table{{
        {"CAPABILITY", &Session::capability, not_auth | auth | selected, false, false},
        {"NOOP", &Session::noop, not_auth | auth | selected, false, false},
        {"LOGOUT", &Session::logout, not_auth | auth | selected, false, false},
        {"STARTTLS", &Session::starttls, not_auth, false, false},
        {"LOGIN", &Session::login, not_auth, false, false},
        {"AUTHENTICATE", &Session::authenticate, not_auth, false, false},
        {"ID", &Session::id, not_auth | auth | selected, false, false},
        {"SELECT", &Session::select, auth | selected, false, false},
        {"EXAMINE", &Session::select, auth | selected, false, false},
        {"CREATE", &Session::create, auth | selected, false, false},
        {"DELETE", &Session::remove, auth | selected, false, false},
        {"RENAME", &Session::rename, auth | selected, false, false},
        {"SUBSCRIBE", &Session::subscribe, auth | selected, false, false},
        {"UNSUBSCRIBE", &Session::unsubscribe, auth | selected, false, false},
        {"LIST", &Session::list, auth | selected, false, false},
        {"LSUB", &Session::lsub, auth | selected, false, false},
        {"STATUS", &Session::status, auth | selected, false, false},
        {"APPEND", &Session::append, auth | selected, false, false},
        {"NAMESPACE", &Session::namespace_, auth | selected, false, false},
        {"ENABLE", &Session::enable, auth | selected, false, false},
        {"IDLE", &Session::idle, auth | selected, false, false},
        {"CHECK", &Session::check, selected, false, false},
        {"CLOSE", &Session::close, selected, false, false},
        {"UNSELECT", &Session::unselect, selected, false, false},
        {"EXPUNGE", &Session::expunge, selected, true, false},
        {"SEARCH", &Session::search, selected, true, true},
        {"FETCH", &Session::fetch, selected, true, true},
        {"STORE", &Session::store, selected, true, true},
        {"COPY", &Session::copy, selected, true, false},
        {"MOVE", &Session::move, selected, true, false},
        {"UID", &Session::uid, selected, false, false},
    }};
    for (const auto& c : table)
        if (iequals(c.name, name))
            return &c;
    return nullptr;
}

Session::Session(const Policy& policy, Client client) : policy_(policy), client_(client), tls_(client.tls) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;

std::string Session::capabilities() const
{
    std::string out = "IMAP4rev1 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE UNSELECT";
    if (state_ == State::not_authenticated) {
        if (policy_.tls_available && !tls_)
            out += " STARTTLS";
        out += login_allowed() ? " AUTH=PLAIN" : " LOGINDISABLED";
    } else {
        out += " UIDPLUS MOVE CHILDREN LIST-EXTENDED SPECIAL-USE CONDSTORE QRESYNC";
    }
    return out;
}

std::string Session::greeting() const
{
    return "* OK [CAPABILITY " + capabilities() + "] " + policy_.greeting + "\r\n";
}

Step Session::tagged(const std::string& tag, std::string_view status, std::string_view text, std::string untagged)
{
    Step s;
    s.wire = std::move(untagged);
    s.wire.append(tag).append(" ").append(status).append(" ").append(text).append("\r\n");
    return s;
}

Step Session::bad(const std::string& tag, std::string_view text)
{
    if (++errors_ >= policy_.max_errors) {
        state_ = State::logout;
        Step s = tagged(tag, "BAD", text, {});
        s.wire += "* BYE too many errors\r\n";
        s.action = Action::close;
        return s;
    }
    return tagged(tag, "BAD", text);
}

Step Session::on_command(const RawCommand& raw)
{
    if (state_ == State::logout || pending_tag_ || sasl_tag_ || idle_tag_ || fetching_) {
        Step s;  // the shell's mistake: nothing is said
        s.action = Action::close;
        return s;
    }
    Reader in(raw);
    auto tag = in.atom();
    if (!tag || tag->find('+') != std::string::npos || !in.space())
        return bad("*", "missing tag");
    auto name = in.atom();
    if (!name)
        return bad(*tag, "missing command");
    const Command* command = find(*name);
    if (!command)
        return bad(*tag, "unknown command");
    const unsigned now = state_ == State::not_authenticated ? not_auth
                         : state_ == State::authenticated   ? auth
                                                            : selected;
    if (!(command->states & now))
        return bad(*tag, now == not_auth ? "log in first"
                         : now == auth   ? "select a mailbox first"
                                         : "already logged in");
    Context c{*tag, false, in, iequals(*name, "EXAMINE")};
    bool no_expunge = command->no_expunge;
    if (command->handler == &Session::uid) {  // "UID FETCH …": the command after UID decides
        c.uid = true;
        const Command* inner = nullptr;
        if (in.space())
            if (auto sub = in.atom())
                inner = find(*sub);
        if (!inner || !inner->allows_uid)
            return bad(*tag, "UID takes COPY, MOVE, FETCH, STORE, SEARCH or EXPUNGE");
        command = inner;
        no_expunge = false;  // RFC 3501 §7.4.1: UID variants may see EXPUNGE
    }
    Step step = (this->*command->handler)(c);
    if (step.action == Action::more)
        fetching_->expunge_ok = !no_expunge;  // the news comes with its last chunk
    else
        add_news(step, !no_expunge);
    return step;
}

void Session::add_news(Step& step, bool expunge_ok)
{
    if (state_ == State::selected && step.action == Action::read_command && !step.wire.empty()) {
        // Untagged news goes before the tagged completion (the last line).
        std::string news = refresh(expunge_ok);
        if (!news.empty()) {
            const auto last = step.wire.rfind("\r\n", step.wire.size() - 3);
            step.wire.insert(last == std::string::npos ? 0 : last + 2, news);
        }
    }
}

Step Session::on_refused(const CommandAssembler::Event& event)
{
    Step s;
    s.wire = event.error + "\r\n";
    if (event.fatal) {
        state_ = State::logout;
        s.wire += "* BYE literal too large\r\n";
        s.action = Action::close;
    }
    return s;
}

Step Session::on_line_too_long()
{
    return bad("*", "line too long");
}

// --- any state -----------------------------------------------------------------------------------

Step Session::capability(Context& c)
{
    return tagged(c.tag, "OK", "CAPABILITY completed", "* CAPABILITY " + capabilities() + "\r\n");
}

Step Session::noop(Context& c)
{
    return tagged(c.tag, "OK", "NOOP completed");
}

Step Session::logout(Context& c)
{
    state_ = State::logout;
    Step s = tagged(c.tag, "OK", "LOGOUT completed", "* BYE logging out\r\n");
    s.action = Action::close;
    return s;
}

Step Session::id(Context& c)
{
    return tagged(c.tag, "OK", "ID completed", "* ID (\"name\" \"layer7\")\r\n");
}

// --- not authenticated ---------------------------------------------------------------------------

Step Session::starttls(Context& c)
{
    if (!policy_.tls_available || tls_)
        return bad(c.tag, "STARTTLS not available");
    Step s = tagged(c.tag, "OK", "Begin TLS negotiation now");
    s.action = Action::start_tls;
    return s;
}

void Session::on_tls_started()
{
    tls_ = true;
}

Step Session::login(Context& c)
{
    if (!login_allowed())
        return tagged(c.tag, "NO", "[PRIVACYREQUIRED] LOGIN only after STARTTLS");
    std::optional<std::string> user, password;
    if (c.in.space())
        user = c.in.astring();
    if (user && c.in.space())
        password = c.in.astring();
    if (!password || !c.in.at_end())
        return bad(c.tag, "LOGIN user password");
    return login_as(c.tag, *user, *password);
}

Step Session::login_as(const std::string& tag, std::string_view user, std::string_view password)
{
    if (policy_.check_credentials && policy_.check_credentials(user, password)) {
        pending_tag_ = tag;
        Step s;
        s.action = Action::open_account;
        s.user = std::string(user);
        return s;
    }
    ++auth_failures_;
    Step s;
    s.delay = policy_.auth_failure_delay * (1 << std::min<std::size_t>(auth_failures_ - 1, 10));
    s.wire = tag + " NO [AUTHENTICATIONFAILED] invalid credentials\r\n";
    if (auth_failures_ >= policy_.max_auth_failures) {
        state_ = State::logout;
        s.wire += "* BYE too many authentication failures\r\n";
        s.action = Action::close;
    }
    return s;
}

Step Session::authenticate(Context& c)
{
    std::optional<std::string> mechanism;
    if (c.in.space())
        mechanism = c.in.atom();
    if (!mechanism)
        return bad(c.tag, "AUTHENTICATE mechanism");
    if (!iequals(*mechanism, "PLAIN"))
        return tagged(c.tag, "NO", "[CANNOT] only PLAIN is supported");
    if (!login_allowed())
        return tagged(c.tag, "NO", "[PRIVACYREQUIRED] AUTHENTICATE only after STARTTLS");
    if (c.in.space()) {  // SASL-IR (RFC 4959): the response on the command line
        auto initial = c.in.atom("=");
        if (!initial || !c.in.at_end())
            return bad(c.tag, "bad initial response");
        sasl_tag_ = c.tag;
        return on_continuation(*initial);
    }
    sasl_tag_ = c.tag;
    Step s;
    s.wire = "+ \r\n";
    return s;
}

Step Session::on_continuation(std::string_view line)
{
    if (!sasl_tag_)
        return on_line_too_long();
    const std::string tag = std::exchange(sasl_tag_, std::nullopt).value();
    if (line == "*")
        return bad(tag, "AUTHENTICATE cancelled");
    auto decoded =
        line == "=" ? std::optional<std::vector<std::uint8_t>>(std::vector<std::uint8_t>{}) : core::base64_decode(line);
    if (!decoded)
        return bad(tag, "invalid base64");
    // RFC 4616: [authzid] NUL authcid NUL passwd; we act only as the user who logs in.
    const std::string message(decoded->begin(), decoded->end());
    const auto first = message.find('\0');
    const auto second = first == std::string::npos ? first : message.find('\0', first + 1);
    if (second == std::string::npos)
        return bad(tag, "malformed PLAIN response");
    const std::string authzid = message.substr(0, first);
    const std::string authcid = message.substr(first + 1, second - first - 1);
    if (!authzid.empty() && authzid != authcid)
        return tagged(tag, "NO", "[AUTHORIZATIONFAILED] cannot act as another user");
    return login_as(tag, authcid, message.substr(second + 1));
}

Step Session::on_account(Account* account)
{
    const std::string tag = std::exchange(pending_tag_, std::nullopt).value_or("*");
    if (!account)
        return tagged(tag, "NO", "[UNAVAILABLE] mailbox unavailable");
    account_ = account;
    state_ = State::authenticated;
    return tagged(tag, "OK", "[CAPABILITY " + capabilities() + "] logged in");
}

// --- authenticated -------------------------------------------------------------------------------

void Session::deselect()
{
    selected_.clear();
    view_ = {};
    state_ = State::authenticated;
}

Step Session::select(Context& c)
{
    // The command's name is in the raw text: EXAMINE opens read-only.
    std::optional<std::string> name;
    if (c.in.space())
        name = c.in.astring();
    // RFC 4466 select parameters: CONDSTORE (RFC 7162 §3.1.8) and QRESYNC (§3.2.5).
    bool condstore = false;
    std::optional<Resync> resync;
    if (name && c.in.space()) {
        if (!c.in.consume('('))
            return bad(c.tag, "SELECT mailbox [(CONDSTORE | QRESYNC (…))]");
        do {
            auto param = c.in.atom();
            if (param && iequals(*param, "CONDSTORE") && !condstore) {
                condstore = true;
            } else if (param && iequals(*param, "QRESYNC") && !resync) {
                if (!qresync_)  // RFC 7162 §3.2.5: only after ENABLE QRESYNC
                    return bad(c.tag, "ENABLE QRESYNC first");
                resync = parse_resync(c.in, policy_.limits.max_set_ranges);
                if (!resync)
                    return bad(c.tag, "QRESYNC (uidvalidity modseq [known-uids [(sequences uids)]])");
            } else {
                return bad(c.tag, "SELECT mailbox [(CONDSTORE | QRESYNC (…))]");
            }
        } while (c.in.space());
        if (!c.in.consume(')'))
            return bad(c.tag, "SELECT mailbox [(CONDSTORE | QRESYNC (…))]");
    }
    if (!name || !c.in.at_end())
        return bad(c.tag, "SELECT mailbox");
    std::string closed;
    if (state_ == State::selected)
        closed = "* OK [CLOSED] previous mailbox closed\r\n";
    deselect();
    read_only_ = c.examine;
    auto snap = account_->snapshot(mail::is_inbox(*name) ? "INBOX" : *name);
    if (!snap)
        return tagged(c.tag, "NO", error_text(snap.error()), closed);
    selected_ = mail::is_inbox(*name) ? "INBOX" : *name;
    view_ = std::move(*snap);
    state_ = State::selected;
    condstore_ = condstore_ || condstore;
    std::string out = closed;
    out += "* FLAGS " + std::string(system_flags) + "\r\n";
    out += "* " + std::to_string(view_.messages.size()) + " EXISTS\r\n* 0 RECENT\r\n";
    for (std::size_t i = 0; i < view_.messages.size(); ++i)
        if (view_.messages[i].flags.find('S') == std::string::npos) {
            out += "* OK [UNSEEN " + std::to_string(i + 1) + "] first unseen\r\n";
            break;
        }
    out += "* OK [UIDVALIDITY " + std::to_string(view_.validity) + "] UIDs valid\r\n";
    out += "* OK [UIDNEXT " + std::to_string(view_.next) + "] predicted next UID\r\n";
    if (condstore_)  // RFC 7162 §3.1.2.1
        out += "* OK [HIGHESTMODSEQ " + std::to_string(view_.highest_modseq) + "] highest\r\n";
    out += "* OK [PERMANENTFLAGS " + std::string(read_only_ ? "()" : system_flags) + "] limited\r\n";
    if (resync && resync->validity == view_.validity)  // else the client starts afresh (§3.2.5.1)
        out += resynchronize(resync->modseq, resync->known ? &*resync->known : nullptr);
    return tagged(c.tag, "OK", read_only_ ? "[READ-ONLY] EXAMINE completed" : "[READ-WRITE] SELECT completed", out);
}

Step Session::create(Context& c)
{
    std::optional<std::string> name;
    if (c.in.space())
        name = c.in.astring();
    if (!name || !c.in.at_end())
        return bad(c.tag, "CREATE mailbox");
    if (!name->empty() && name->back() == mail::folder_delimiter)  // RFC 3501 §6.3.3: "foo." creates foo
        name->pop_back();
    // Every level of a hierarchical name exists as a folder (RFC 3501 §6.3.3 "create superiors").
    for (std::size_t dot = name->find(mail::folder_delimiter); dot != std::string::npos;
         dot = name->find(mail::folder_delimiter, dot + 1))
        if (auto ec = account_->create(name->substr(0, dot)); ec && ec != std::errc::file_exists)
            return tagged(c.tag, "NO", error_text(ec));
    if (auto ec = account_->create(*name))
        return tagged(c.tag, "NO", error_text(ec));
    return tagged(c.tag, "OK", "CREATE completed");
}

Step Session::remove(Context& c)
{
    std::optional<std::string> name;
    if (c.in.space())
        name = c.in.astring();
    if (!name || !c.in.at_end())
        return bad(c.tag, "DELETE mailbox");
    if (state_ == State::selected && *name == selected_)
        deselect();
    if (auto ec = account_->remove(*name))
        return tagged(c.tag, "NO", error_text(ec));
    return tagged(c.tag, "OK", "DELETE completed");
}

Step Session::rename(Context& c)
{
    std::optional<std::string> from, to;
    if (c.in.space())
        from = c.in.astring();
    if (from && c.in.space())
        to = c.in.astring();
    if (!to || !c.in.at_end())
        return bad(c.tag, "RENAME from to");
    if (auto ec = account_->rename(*from, *to))
        return tagged(c.tag, "NO", error_text(ec));
    if (state_ == State::selected && selected_ == *from)
        selected_ = *to;
    return tagged(c.tag, "OK", "RENAME completed");
}

Step Session::subscribe(Context& c)
{
    std::optional<std::string> name;
    if (c.in.space())
        name = c.in.astring();
    if (!name || !c.in.at_end())
        return bad(c.tag, "SUBSCRIBE mailbox");
    if (auto ec = account_->subscribe(mail::is_inbox(*name) ? "INBOX" : *name, true))
        return tagged(c.tag, "NO", error_text(ec));
    return tagged(c.tag, "OK", "SUBSCRIBE completed");
}

Step Session::unsubscribe(Context& c)
{
    std::optional<std::string> name;
    if (c.in.space())
        name = c.in.astring();
    if (!name || !c.in.at_end())
        return bad(c.tag, "UNSUBSCRIBE mailbox");
    if (auto ec = account_->subscribe(mail::is_inbox(*name) ? "INBOX" : *name, false))
        return tagged(c.tag, "NO", error_text(ec));
    return tagged(c.tag, "OK", "UNSUBSCRIBE completed");
}

Step Session::list(Context& c)
{
    // LIST [(selection)] reference (pattern | (patterns)) [RETURN (options)]  — RFC 5258
    bool only_subscribed = false, show_subscribed = false, recursive = false;
    auto options = [&c](std::vector<std::string>& out) {
        if (!c.in.consume('('))
            return false;
        while (!c.in.consume(')')) {
            c.in.space();
            auto word = c.in.atom();
            if (!word)
                return false;
            out.push_back(core::to_upper(*word));
        }
        return true;
    };
    if (!c.in.space())
        return bad(c.tag, "LIST reference pattern");
    if (c.in.peek() == '(') {
        std::vector<std::string> selection;
        if (!options(selection) || !c.in.space())
            return bad(c.tag, "bad selection options");
        for (const auto& o : selection) {
            if (o == "SUBSCRIBED")
                only_subscribed = show_subscribed = true;
            else if (o == "RECURSIVEMATCH")
                recursive = true;
            else if (o != "REMOTE" && o != "SPECIAL-USE")
                return bad(c.tag, "unknown selection option");
        }
    }
    (void)recursive;
    auto reference = c.in.astring();
    std::vector<std::string> patterns;
    if (!reference || !c.in.space())
        return bad(c.tag, "LIST reference pattern");
    auto pattern = [&c]() -> std::optional<std::string> {
        if (c.in.peek() == '"' || c.in.peek() == '{')
            return c.in.string();
        return c.in.atom("%*]");
    };
    if (c.in.consume('(')) {
        do {
            auto p = pattern();
            if (!p)
                return bad(c.tag, "bad pattern");
            patterns.push_back(*p);
        } while (c.in.space());
        if (!c.in.consume(')'))
            return bad(c.tag, "bad pattern list");
    } else if (auto p = pattern()) {
        patterns.push_back(*p);
    } else {
        return bad(c.tag, "bad pattern");
    }
    if (c.in.space()) {
        auto word = c.in.atom();
        std::vector<std::string> returns;
        if (!word || !iequals(*word, "RETURN") || !c.in.space() || !options(returns))
            return bad(c.tag, "bad RETURN options");
        for (const auto& o : returns)
            if (o == "SUBSCRIBED")
                show_subscribed = true;
    }
    if (!c.in.at_end())
        return bad(c.tag, "junk after LIST");
    if (patterns.size() == 1 && patterns[0].empty())  // RFC 3501: the delimiter and root
        return tagged(c.tag, "OK", "LIST completed", "* LIST (\\Noselect) \".\" \"\"\r\n");
    const auto folders = account_->folders();
    // RFC 3501 §6.3.8: a level of the hierarchy that is no folder itself ("A" of "A.B", made by
    // another server or tool) is listed \Noselect, so clients can walk down to its children.
    auto all = folders;
    for (const auto& name : folders)
        for (auto dot = name.find(mail::folder_delimiter); dot != std::string::npos;
             dot = name.find(mail::folder_delimiter, dot + 1))
            if (std::find(all.begin(), all.end(), name.substr(0, dot)) == all.end())
                all.push_back(name.substr(0, dot));
    std::sort(all.begin(), all.end(), [](const std::string& a, const std::string& b) {
        return mail::is_inbox(a) != mail::is_inbox(b) ? mail::is_inbox(a) : a < b;  // INBOX first
    });
    const auto subscribed = account_->subscriptions();
    auto is_subscribed = [&](const std::string& n) {
        return std::find(subscribed.begin(), subscribed.end(), n) != subscribed.end();
    };
    std::string out;
    for (const auto& name : all) {
        if (only_subscribed && !is_subscribed(name))
            continue;
        if (!std::any_of(patterns.begin(), patterns.end(),
                         [&](const std::string& p) { return list_match(*reference + p, name); }))
            continue;
        const std::string prefix = name + mail::folder_delimiter;
        const bool children =
            std::any_of(all.begin(), all.end(), [&](const std::string& n) { return n.rfind(prefix, 0) == 0; });
        std::string attributes = children ? "\\HasChildren" : "\\HasNoChildren";
        if (std::find(folders.begin(), folders.end(), name) == folders.end())
            attributes = "\\Noselect " + attributes;
        if (auto use = mail::special_use(name); !use.empty())
            attributes += " " + std::string(use);
        if (show_subscribed && is_subscribed(name))
            attributes += " \\Subscribed";
        out += "* LIST (" + attributes + ") \".\" " + imap_string(name) + "\r\n";
    }
    return tagged(c.tag, "OK", "LIST completed", out);
}

Step Session::lsub(Context& c)
{
    std::optional<std::string> reference, pattern;
    if (c.in.space())
        reference = c.in.astring();
    if (reference && c.in.space())
        pattern = c.in.peek() == '"' || c.in.peek() == '{' ? c.in.string() : c.in.atom("%*]");
    if (!pattern || !c.in.at_end())
        return bad(c.tag, "LSUB reference pattern");
    std::string out;
    for (const auto& name : account_->subscriptions())
        if (list_match(*reference + *pattern, name))
            out += "* LSUB () \".\" " + imap_string(name) + "\r\n";
    return tagged(c.tag, "OK", "LSUB completed", out);
}

Step Session::status(Context& c)
{
    std::optional<std::string> name;
    std::vector<std::string> items;
    if (c.in.space())
        name = c.in.astring();
    if (!name || !c.in.space() || !c.in.consume('('))
        return bad(c.tag, "STATUS mailbox (items)");
    do {
        auto item = c.in.atom();
        if (!item)
            return bad(c.tag, "bad STATUS item");
        items.push_back(core::to_upper(*item));
    } while (c.in.space());
    if (!c.in.consume(')') || !c.in.at_end())
        return bad(c.tag, "bad STATUS items");
    const std::string folder = mail::is_inbox(*name) ? "INBOX" : *name;
    auto snap = account_->snapshot(folder);
    if (!snap)
        return tagged(c.tag, "NO", error_text(snap.error()));
    std::string values, enabled;
    for (const auto& item : items) {
        std::uint64_t v = 0;
        if (item == "MESSAGES")
            v = snap->messages.size();
        else if (item == "RECENT")
            v = 0;
        else if (item == "UIDNEXT")
            v = snap->next;
        else if (item == "UIDVALIDITY")
            v = snap->validity;
        else if (item == "UNSEEN")
            v = static_cast<std::uint64_t>(
                std::count_if(snap->messages.begin(), snap->messages.end(),
                              [](const MessageRef& m) { return m.flags.find('S') == std::string::npos; }));
        else if (item == "SIZE")
            for (const auto& m : snap->messages)
                v += m.size;
        else if (item == "HIGHESTMODSEQ") {  // RFC 7162 §3.1.7; a CONDSTORE enabling command
            v = snap->highest_modseq;
            enabled = enable_condstore();
        } else
            return bad(c.tag, "unknown STATUS item " + item);
        values += (values.empty() ? "" : " ") + item + " " + std::to_string(v);
    }
    return tagged(c.tag, "OK", "STATUS completed",
                  enabled + "* STATUS " + imap_string(folder) + " (" + values + ")\r\n");
}

Step Session::append(Context& c)
{
    std::optional<std::string> name;
    if (c.in.space())
        name = c.in.astring();
    if (!name || !c.in.space())
        return bad(c.tag, "APPEND mailbox [flags] [date] message");
    std::string letters;
    if (c.in.peek() == '(') {
        auto flags = c.in.flag_list(false);
        if (!flags || !c.in.space())
            return bad(c.tag, "bad flag list");
        for (const auto& f : *flags)
            if (auto l = letter_of(f))
                letters += *l;
    }
    std::int64_t date = 0;
    if (c.in.peek() == '"') {
        auto text = c.in.quoted();
        auto parsed = text ? parse_date_time(*text) : std::nullopt;
        if (!parsed || !c.in.space())
            return bad(c.tag, "bad date-time");
        date = *parsed;
    }
    auto message = c.in.literal();
    if (!message || !c.in.at_end())
        return bad(c.tag, "APPEND needs the message as a literal");
    const std::string folder = mail::is_inbox(*name) ? "INBOX" : *name;
    auto snap = account_->snapshot(folder);
    if (!snap)
        return tagged(c.tag, "NO",
                      snap.error() == std::errc::no_such_file_or_directory ? "[TRYCREATE] no such mailbox"
                                                                           : error_text(snap.error()));
    auto uid = account_->append(folder, *message, sorted(letters), date);
    if (!uid)
        return tagged(c.tag, "NO", error_text(uid.error()));
    return tagged(c.tag, "OK",
                  "[APPENDUID " + std::to_string(snap->validity) + " " + std::to_string(*uid) + "] APPEND completed");
}

Step Session::namespace_(Context& c)
{
    return tagged(c.tag, "OK", "NAMESPACE completed", "* NAMESPACE ((\"\" \".\")) NIL NIL\r\n");
}

Step Session::enable(Context& c)
{
    // RFC 5161 §3.1: ENABLE capability…; the answer names what this command enabled. CONDSTORE and
    // QRESYNC are the extensions we offer that take it; others are ignored.
    std::vector<std::string> names;
    while (c.in.space()) {
        auto name = c.in.atom();
        if (!name)
            return bad(c.tag, "ENABLE capability...");
        names.push_back(std::move(*name));
    }
    if (names.empty() || !c.in.at_end())
        return bad(c.tag, "ENABLE capability...");
    std::string enabled, news;
    for (const auto& name : names)
        if (iequals(name, "CONDSTORE") && !condstore_) {
            news += enable_condstore();
            enabled += " CONDSTORE";
        } else if (iequals(name, "QRESYNC") && !qresync_) {  // RFC 7162 §3.2.3: CONDSTORE with it
            news += enable_condstore();
            qresync_ = true;
            enabled += " QRESYNC";
        }
    return tagged(c.tag, "OK", "ENABLE completed", "* ENABLED" + enabled + "\r\n" + news);
}

std::string Session::enable_condstore()
{
    if (condstore_)
        return {};
    condstore_ = true;
    // RFC 7162 §3.1: the first enabling command with a mailbox selected tells its HIGHESTMODSEQ.
    if (state_ != State::selected)
        return {};
    return "* OK [HIGHESTMODSEQ " + std::to_string(view_.highest_modseq) + "] highest\r\n";
}

Step Session::idle(Context& c)
{
    if (!c.in.at_end())
        return bad(c.tag, "IDLE takes no arguments");
    idle_tag_ = c.tag;
    Step s;
    s.wire = (state_ == State::selected ? refresh(true) : std::string()) + "+ idling\r\n";
    s.action = Action::idle;
    return s;
}

Step Session::on_idle_line(std::string_view line)
{
    if (!idle_tag_)
        return on_line_too_long();
    const std::string tag = std::exchange(idle_tag_, std::nullopt).value();
    std::string news = state_ == State::selected ? refresh(true) : std::string();
    if (!iequals(line, "DONE"))
        return bad(tag, "expected DONE");
    return tagged(tag, "OK", "IDLE terminated", news);
}

Step Session::on_idle_changed()
{
    Step s;
    s.action = Action::idle;
    if (state_ == State::selected)
        s.wire = refresh(true);
    return s;
}

// --- selected ------------------------------------------------------------------------------------

std::string Session::modseq_item(const MessageRef& m) const
{
    return condstore_ ? " MODSEQ (" + std::to_string(m.modseq) + ")" : std::string();
}

std::string Session::uid_item(const MessageRef& m, bool uid_command) const
{
    // RFC 7162 §3.2.4 (and erratum 1807): with QRESYNC every untagged FETCH names its UID.
    return uid_command || qresync_ ? "UID " + std::to_string(m.uid) + " " : std::string();
}

std::string Session::vanished_earlier(std::uint64_t since, const SequenceSet* within)
{
    const std::uint32_t largest = view_.messages.empty() ? view_.next - 1 : view_.messages.back().uid;
    auto gone = account_->vanished(selected_, since);
    std::vector<UidRange> ranges;
    if (gone)
        ranges = std::move(*gone);
    else if (since < view_.highest_modseq && view_.next > 1)  // no record: every UID not in the view
        ranges.emplace_back(1, view_.next - 1);
    if (within)
        ranges = intersect(ranges, *within, largest);
    // A message still in the view is told gone by a plain VANISHED at the next allowed point.
    ranges = without(ranges, view_.messages);
    return ranges.empty() ? std::string() : "* VANISHED (EARLIER) " + ranges_text(ranges) + "\r\n";
}

std::string Session::resynchronize(std::uint64_t since, const SequenceSet* known)
{
    // RFC 7162 §3.2.5.1: what went since `since`, then what changed; VANISHED before any FETCH (§3.2.6).
    std::string out = vanished_earlier(since, known);
    const std::uint32_t largest = view_.messages.empty() ? 0 : view_.messages.back().uid;
    for (std::size_t i = 0; i < view_.messages.size(); ++i) {
        const MessageRef& m = view_.messages[i];
        if (m.modseq > since && (!known || known->contains(m.uid, largest)))
            out += "* " + std::to_string(i + 1) + " FETCH (UID " + std::to_string(m.uid) + " FLAGS " +
                   imap_flags(m.flags) + modseq_item(m) + ")\r\n";
    }
    return out;
}

std::string Session::expunged(std::vector<std::pair<std::size_t, std::uint32_t>> gone) const
{
    // EXPUNGE n per message, each numbered after the ones before it went; with QRESYNC one VANISHED
    // with their UIDs (RFC 7162 §3.2.10).
    std::string out;
    if (!qresync_) {
        for (const auto& [number, uid] : gone)
            out += "* " + std::to_string(number) + " EXPUNGE\r\n";
        return out;
    }
    std::vector<UidRange> uids;
    for (const auto& [number, uid] : gone)
        uids.emplace_back(uid, uid);
    return uids.empty() ? out : "* VANISHED " + ranges_text(merged(std::move(uids))) + "\r\n";
}

std::string Session::refresh(bool expunge_ok)
{
    auto snap = account_->snapshot(selected_);
    if (!snap)
        return {};  // the folder went away (DELETE elsewhere); keep what we have
    std::string out;
    if (snap->validity != view_.validity) {  // rebuilt UID list: every UID we sent is void
        view_ = std::move(*snap);
        return "* OK [UIDVALIDITY " + std::to_string(view_.validity) + "] UIDs renumbered\r\n* " +
               std::to_string(view_.messages.size()) + " EXISTS\r\n";
    }
    std::map<std::uint32_t, const MessageRef*> now;
    for (const auto& m : snap->messages)
        now.emplace(m.uid, &m);
    // The FETCHes are numbered after every expunge before them: told after the EXPUNGEs (or VANISHED).
    std::vector<std::pair<std::size_t, std::uint32_t>> gone;
    std::string fetches;
    bool held_back = false;  // an expunge this command may not tell yet
    for (std::size_t i = 0; i < view_.messages.size();) {
        auto it = now.find(view_.messages[i].uid);
        if (it == now.end()) {
            if (expunge_ok) {
                gone.emplace_back(i + 1, view_.messages[i].uid);
                view_.messages.erase(view_.messages.begin() + static_cast<std::ptrdiff_t>(i));
                continue;
            }
            held_back = true;
        } else {
            MessageRef& m = view_.messages[i];
            // RFC 7162 §3.1: once CONDSTORE is on, a new mod-sequence is news even with the same flags.
            const bool news = it->second->flags != m.flags || (condstore_ && it->second->modseq != m.modseq);
            m.flags = it->second->flags;
            m.modseq = it->second->modseq;
            if (news)
                fetches += "* " + std::to_string(i + 1) + " FETCH (UID " + std::to_string(m.uid) + " FLAGS " +
                           imap_flags(m.flags) + modseq_item(m) + ")\r\n";
        }
        ++i;
    }
    out += expunged(std::move(gone)) + fetches;
    const std::uint32_t last = view_.messages.empty() ? 0 : view_.messages.back().uid;
    const std::size_t before = view_.messages.size();
    for (const auto& m : snap->messages)
        if (m.uid > last)
            view_.messages.push_back(m);
    view_.next = snap->next;
    if (view_.messages.size() != before)
        out += "* " + std::to_string(view_.messages.size()) + " EXISTS\r\n";
    if (!held_back) {
        view_.highest_modseq = snap->highest_modseq;  // every change up to it is told by now
    } else if (qresync_) {
        // RFC 7162 §3.2: MODSEQs above a held-back expunge's may have been sent (by this command or
        // here); a HIGHESTMODSEQ below it (the last one every change up to which was told) keeps a
        // client that drops now from skipping the expunge when it comes back.
        out += "* OK [HIGHESTMODSEQ " + std::to_string(view_.highest_modseq) + "] expunges pending\r\n";
    }
    return out;
}

std::vector<std::size_t> Session::resolve(const SequenceSet& set, bool uids) const
{
    std::vector<std::size_t> out;
    const auto& m = view_.messages;
    if (m.empty())
        return out;
    const std::uint32_t largest = uids ? m.back().uid : static_cast<std::uint32_t>(m.size());
    for (std::size_t i = 0; i < m.size(); ++i)
        if (set.contains(uids ? m[i].uid : static_cast<std::uint32_t>(i + 1), largest))
            out.push_back(i);
    return out;
}

std::map<std::uint32_t, std::string> Session::current_flags()
{
    std::map<std::uint32_t, std::string> out;
    auto now = account_->snapshot(selected_);
    if (now && now->validity == view_.validity)
        for (auto& m : now->messages)
            out.emplace(m.uid, std::move(m.flags));
    return out;
}

Step Session::check(Context& c)
{
    return tagged(c.tag, "OK", "CHECK completed");
}

std::string Session::remove_deleted(const std::vector<std::size_t>* only, bool announce)
{
    std::string out;
    std::vector<bool> chosen(view_.messages.size(), only == nullptr);
    if (only)
        for (auto i : *only)
            chosen[i] = true;
    std::vector<std::size_t> deleted;  // in one expunge_all(): one flush to disk for all of them
    std::vector<const MessageRef*> refs;
    for (std::size_t i = 0; i < view_.messages.size(); ++i)
        if (chosen[i] && view_.messages[i].flags.find('T') != std::string::npos) {
            deleted.push_back(i);
            refs.push_back(&view_.messages[i]);
        }
    const auto results = account_->expunge_all(selected_, refs);
    std::vector<bool> removed(view_.messages.size(), false);
    for (std::size_t d = 0; d < deleted.size(); ++d)
        removed[deleted[d]] = !results[d];
    std::size_t kept = 0;
    std::vector<std::pair<std::size_t, std::uint32_t>> gone;
    for (std::size_t i = 0; i < view_.messages.size(); ++i) {
        auto& m = view_.messages[i];
        if (removed[i]) {
            gone.emplace_back(kept + 1, m.uid);
            continue;
        }
        if (kept != i)  // a self-move would empty the strings
            view_.messages[kept] = std::move(m);
        ++kept;
    }
    view_.messages.resize(kept);
    if (announce)
        out = expunged(std::move(gone));
    return out;
}

Step Session::close(Context& c)
{
    if (!c.in.at_end())
        return bad(c.tag, "CLOSE takes no arguments");
    if (!read_only_)
        remove_deleted(nullptr, false);  // RFC 3501 §6.4.2: silently
    deselect();
    return tagged(c.tag, "OK", "CLOSE completed");
}

Step Session::unselect(Context& c)
{
    deselect();
    return tagged(c.tag, "OK", "UNSELECT completed");
}

Step Session::expunge(Context& c)
{
    if (read_only_)
        return tagged(c.tag, "NO", "[READ-ONLY] mailbox is read-only");
    std::optional<SequenceSet> set;
    if (c.uid) {  // UID EXPUNGE set (RFC 4315 §2.1)
        if (c.in.space())
            set = c.in.sequence_set(policy_.limits.max_set_ranges);
        if (!set || !c.in.at_end())
            return bad(c.tag, "UID EXPUNGE set");
    } else if (!c.in.at_end()) {
        return bad(c.tag, "EXPUNGE takes no arguments");
    }
    // Flags others set count too. UIDs are resolved only after the refresh has moved the indexes,
    // so a busy mailbox never makes UID EXPUNGE fail.
    std::string refreshed = refresh(true);
    std::optional<std::vector<std::size_t>> only;
    if (set)
        only = resolve(*set, true);
    return tagged(c.tag, "OK", "EXPUNGE completed", refreshed + remove_deleted(only ? &*only : nullptr, true));
}

Step Session::search(Context& c)
{
    if (!c.in.space())
        return bad(c.tag, "SEARCH criteria");
    SearchParse parsed = parse_search(c.in, policy_.limits.max_search_depth, policy_.limits.max_set_ranges);
    if (parsed.bad_charset)
        return tagged(c.tag, "NO", "[BADCHARSET (UTF-8 US-ASCII)] unsupported charset");
    if (!parsed.key)
        return bad(c.tag, parsed.error);
    // RFC 7162 §3.1: MODSEQ enables CONDSTORE, and asks about the mailbox as it is now.
    const std::string enabled = parsed.modseq ? enable_condstore() + refresh(false) : std::string();
    std::string hits;
    std::uint64_t highest = 0;  // of the messages found (RFC 7162 §3.1.6)
    const auto& msgs = view_.messages;
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        std::optional<std::string> content;
        bool loaded = false;
        SearchSubject s;
        s.sequence = static_cast<std::uint32_t>(i + 1);
        s.uid = msgs[i].uid;
        s.largest_sequence = static_cast<std::uint32_t>(msgs.size());
        s.largest_uid = msgs.back().uid;
        s.flags = msgs[i].flags;
        s.size = msgs[i].size;
        s.modseq = msgs[i].modseq;
        s.internal_day = [&] { return account_->internal_date(selected_, msgs[i]) / 86400; };
        s.content = [&]() -> const std::string* {
            if (!loaded) {
                content = account_->read(selected_, msgs[i]);
                loaded = true;
            }
            return content ? &*content : nullptr;
        };
        if (matches(*parsed.key, s)) {
            hits += " " + std::to_string(c.uid ? msgs[i].uid : i + 1);
            highest = std::max(highest, msgs[i].modseq);
        }
    }
    if (parsed.modseq && highest > 0)
        hits += " (MODSEQ " + std::to_string(highest) + ")";
    return tagged(c.tag, "OK", "SEARCH completed", enabled + "* SEARCH" + hits + "\r\n");
}

Step Session::fetch(Context& c)
{
    std::optional<SequenceSet> set;
    if (c.in.space())
        set = c.in.sequence_set(policy_.limits.max_set_ranges);
    if (!set || !c.in.space())
        return bad(c.tag, "FETCH set items");
    // Items: a macro, one item, or a parenthesised list; sections may hold spaces and parentheses.
    // Then RFC 4466 fetch modifiers, of which we know RFC 7162's CHANGEDSINCE.
    std::string_view text = c.in.rest();
    const std::size_t end = item_list_end(text);
    if (end == std::string_view::npos)
        return bad(c.tag, "unbalanced item list");
    std::optional<std::uint64_t> changed_since;
    bool vanished = false;
    if (end < text.size()) {
        auto modifiers = parse_fetch_modifiers(text.substr(end));
        if (!modifiers)
            return bad(c.tag, "FETCH set items [(CHANGEDSINCE modseq [VANISHED])]");
        changed_since = modifiers->changed_since;
        vanished = modifiers->vanished;
        // RFC 7162 §3.2.6: VANISHED only in UID FETCH, with CHANGEDSINCE, once QRESYNC is on.
        if (vanished && (!qresync_ || !c.uid || !changed_since))
            return bad(c.tag, "VANISHED needs ENABLE QRESYNC, UID FETCH and CHANGEDSINCE");
    }
    text = text.substr(0, end);
    if (!text.empty() && text.front() == '(') {
        if (text.size() < 2 || text.back() != ')')
            return bad(c.tag, "unbalanced item list");
        text = text.substr(1, text.size() - 2);
    }
    std::vector<FetchItem> items;
    bool wants_modseq = changed_since.has_value();  // RFC 7162 §3.1.4.1: CHANGEDSINCE implies MODSEQ
    while (!text.empty()) {
        std::size_t end = 0;
        int depth = 0;
        while (end < text.size() && (depth > 0 || text[end] != ' ')) {
            if (text[end] == '[' || text[end] == '(')
                ++depth;
            else if (text[end] == ']' || text[end] == ')')
                --depth;
            ++end;
        }
        std::string_view word = text.substr(0, end);
        text = end < text.size() ? text.substr(end + 1) : std::string_view{};
        const auto bracket = word.find('[');
        FetchItem item{core::to_upper(word.substr(0, bracket)), std::nullopt, "", std::nullopt};
        if (item.name == "ALL" || item.name == "FAST" || item.name == "FULL") {
            for (const char* n : {"FLAGS", "INTERNALDATE", "RFC822.SIZE"})
                items.push_back({n, std::nullopt, n, std::nullopt});
            if (item.name != "FAST")
                items.push_back({"ENVELOPE", std::nullopt, "ENVELOPE", std::nullopt});
            if (item.name == "FULL")
                items.push_back({"BODY", std::nullopt, "BODY", std::nullopt});
            continue;
        }
        if (bracket != std::string_view::npos) {
            const auto close = word.find(']', bracket);
            if (close == std::string_view::npos || (item.name != "BODY" && item.name != "BODY.PEEK"))
                return bad(c.tag, "bad section");
            item.section = parse_section(word.substr(bracket + 1, close - bracket - 1));
            if (!item.section)
                return bad(c.tag, "bad section");
            item.label = "BODY[" + core::to_upper(word.substr(bracket + 1, close - bracket - 1)) + "]";
            std::string_view rest = word.substr(close + 1);
            if (!rest.empty()) {  // <offset.length>
                const auto dot = rest.find('.');
                if (rest.front() != '<' || rest.back() != '>' || dot == std::string_view::npos)
                    return bad(c.tag, "bad partial");
                std::uint64_t o = 0, l = 0;
                for (char ch : rest.substr(1, dot - 1))
                    o = ch >= '0' && ch <= '9' && o < UINT32_MAX ? o * 10 + static_cast<std::uint64_t>(ch - '0')
                                                                 : UINT64_MAX;
                for (char ch : rest.substr(dot + 1, rest.size() - dot - 2))
                    l = ch >= '0' && ch <= '9' && l < UINT32_MAX ? l * 10 + static_cast<std::uint64_t>(ch - '0')
                                                                 : UINT64_MAX;
                if (o == UINT64_MAX || l == UINT64_MAX || l == 0 || dot == 1)
                    return bad(c.tag, "bad partial");
                item.partial = std::pair{o, l};
                item.label += "<" + std::to_string(o) + ">";
            }
        } else {
            static const std::string_view simple[] = {"UID",           "FLAGS",         "INTERNALDATE", "RFC822.SIZE",
                                                      "ENVELOPE",      "BODYSTRUCTURE", "BODY",         "RFC822",
                                                      "RFC822.HEADER", "RFC822.TEXT",   "MODSEQ"};
            if (std::find(std::begin(simple), std::end(simple), item.name) == std::end(simple))
                return bad(c.tag, "unknown FETCH item");
            item.label = item.name;
            if (item.name == "MODSEQ") {  // RFC 7162 §3.1.4.2: told once per message, below
                wants_modseq = true;
                continue;
            }
        }
        items.push_back(std::move(item));
    }
    if (items.empty() && !wants_modseq)
        return bad(c.tag, "no FETCH items");
    // RFC 7162 §3.1: MODSEQ and CHANGEDSINCE are CONDSTORE enabling commands. CHANGEDSINCE asks about
    // the mailbox as it is now: others' changes are told first (no EXPUNGE: RFC 3501 §7.4.1).
    std::string enabled = wants_modseq ? enable_condstore() : std::string();
    if (changed_since)
        enabled += refresh(false);
    if (vanished)  // before any FETCH (RFC 7162 §3.2.6)
        enabled += vanished_earlier(*changed_since, &*set);
    // RFC 3501 §6.4.5: BODY[…], RFC822 and RFC822.TEXT set \Seen, and the change is reported.
    const bool sets_seen = !read_only_ && std::any_of(items.begin(), items.end(), [](const FetchItem& item) {
        return (item.name == "BODY" && item.section) || item.name == "RFC822" || item.name == "RFC822.TEXT";
    });
    std::vector<std::size_t> chosen = resolve(*set, c.uid);
    if (changed_since)
        std::erase_if(chosen, [&](std::size_t i) { return view_.messages[i].modseq <= *changed_since; });
    // \Seen for every unseen message in one step, so each gets its new mod-sequence at once.
    std::vector<bool> flags_changed(view_.messages.size(), false);
    if (sets_seen) {
        std::unordered_map<std::uint32_t, std::size_t> unseen;
        for (std::size_t i : chosen)
            if (view_.messages[i].flags.find('S') == std::string::npos)
                unseen.emplace(view_.messages[i].uid, i);
        auto mark_seen = [&](const MessageRef& now) -> std::optional<std::string> {
            if (!unseen.count(now.uid) || now.flags.find('S') != std::string::npos)
                return std::nullopt;
            return sorted(now.flags + "S");
        };
        auto after = unseen.empty() ? core::Result<FolderSnapshot, std::error_code>(FolderSnapshot{})
                                    : account_->update_flags(selected_, mark_seen);
        if (after)  // a failure leaves the flags as they were; the FETCH still answers
            for (const MessageRef& now : after->messages)
                if (auto it = unseen.find(now.uid); it != unseen.end()) {
                    MessageRef& m = view_.messages[it->second];
                    flags_changed[it->second] = now.flags != m.flags;
                    m.flags = now.flags;
                    m.modseq = now.modseq;
                }
    }
    const bool uid_first = c.uid || qresync_;  // RFC 7162 §3.2.4: always the UID with QRESYNC
    fetching_ =
        std::make_unique<FetchJob>(FetchJob{c.tag, std::move(items), std::move(chosen), std::move(flags_changed),
                                            uid_first, wants_modseq, false, 0, std::move(enabled)});
    return next_fetch_chunk();  // on_command() adds the news when this is the last
}

Step Session::on_more()
{
    if (!fetching_)
        return {};
    const bool expunge_ok = fetching_->expunge_ok;
    Step step = next_fetch_chunk();
    add_news(step, expunge_ok);  // on the last chunk (add_news() leaves Action::more alone)
    return step;
}

Step Session::next_fetch_chunk()
{
    FetchJob& job = *fetching_;
    std::string out = std::move(job.first);
    out.reserve(fetch_chunk + 4096);
    while (job.next < job.chosen.size() && out.size() < fetch_chunk)
        fetch_message(job, job.chosen[job.next++], out);
    Step step;
    if (job.next < job.chosen.size()) {
        step.wire = std::move(out);
        step.action = Action::more;
        return step;
    }
    step = tagged(job.tag, "OK", "FETCH completed", std::move(out));
    fetching_.reset();
    return step;
}

void Session::fetch_message(const FetchJob& job, std::size_t i, std::string& out)
{
    const MessageRef& m = view_.messages[i];
    const std::size_t start = out.size();
    bool gone = false;                // expunged elsewhere; its EXPUNGE comes at the next allowed point
    std::optional<MessageView> view;  // parsed only for the items that need the structure
    auto parsed = [&]() -> const MessageView* {
        if (!view && !gone) {
            auto content = account_->read(selected_, m);
            gone = !content;
            if (content)
                view.emplace(std::move(*content));
        }
        return view ? &*view : nullptr;
    };
    out.append("* ").append(std::to_string(i + 1)).append(" FETCH (");
    bool first = true, flags_listed = false;
    auto add = [&out, &first](std::string_view label, std::string_view value) {
        if (!first)
            out += ' ';
        first = false;
        out.append(label).append(" ").append(value);
    };
    if (job.uid_first)
        add("UID", std::to_string(m.uid));
    for (const auto& item : job.items) {
        const std::string& n = item.name;
        if (n == "UID") {
            if (!job.uid_first)
                add("UID", std::to_string(m.uid));
        } else if (n == "FLAGS") {
            flags_listed = true;
            add("FLAGS", imap_flags(m.flags));
        } else if (n == "INTERNALDATE") {
            add("INTERNALDATE", "\"" + format_date_time(account_->internal_date(selected_, m)) + "\"");
        } else if (n == "RFC822.SIZE") {
            add("RFC822.SIZE", std::to_string(m.size));
        } else if (item.whole_message()) {
            add(item.label, "");
            if (!account_->append_literal(selected_, m, out)) {
                gone = true;
                break;
            }
        } else if (!parsed()) {
            break;  // gone
        } else if (n == "ENVELOPE") {
            add("ENVELOPE", view->envelope());
        } else if (n == "BODYSTRUCTURE" || (n == "BODY" && !item.section)) {
            add(n, view->body_structure(n == "BODYSTRUCTURE"));
        } else if (n == "RFC822" || n == "RFC822.HEADER" || n == "RFC822.TEXT") {
            MessageView::Section s;
            s.kind = n == "RFC822"          ? MessageView::Section::Kind::all
                     : n == "RFC822.HEADER" ? MessageView::Section::Kind::header
                                            : MessageView::Section::Kind::text;
            add(n, imap_string(view->section(s).value_or("")));
        } else {
            std::string bytes = view->section(*item.section).value_or("");
            if (item.partial) {
                const auto [o, l] = *item.partial;
                bytes = o >= bytes.size() ? std::string() : bytes.substr(o, l);
            }
            // A literal even when short: body octets may hold anything.
            add(item.label, "{" + std::to_string(bytes.size()) + "}\r\n");
            out += bytes;
        }
    }
    if (gone) {
        out.resize(start);
        return;
    }
    if (job.flags_changed[i] && !flags_listed)
        add("FLAGS", imap_flags(m.flags));
    // RFC 7162 §3.1: once CONDSTORE is on, flags go with their mod-sequence.
    if (job.wants_modseq || (condstore_ && (flags_listed || job.flags_changed[i])))
        add("MODSEQ", "(" + std::to_string(m.modseq) + ")");
    out += ")\r\n";
}

// "(UNCHANGEDSINCE n)" (RFC 7162 §3.1.3), the one STORE modifier (RFC 4466 §2.5) we know.
std::optional<std::uint64_t> Session::unchanged_since(Reader& in)
{
    std::optional<std::string> name;
    if (in.consume('('))
        name = in.atom();
    if (!name || !iequals(*name, "UNCHANGEDSINCE") || !in.space())
        return std::nullopt;
    auto value = in.mod_sequence(true);
    if (!value || !in.consume(')'))
        return std::nullopt;
    return value;
}

Step Session::store(Context& c)
{
    std::optional<SequenceSet> set;
    if (c.in.space())
        set = c.in.sequence_set(policy_.limits.max_set_ranges);
    std::optional<std::uint64_t> since;
    if (set && c.in.space() && c.in.peek() == '(') {
        since = unchanged_since(c.in);
        if (!since || !c.in.space())
            return bad(c.tag, "STORE set [(UNCHANGEDSINCE modseq)] item flags");
    }
    std::optional<std::string> op;
    if (set)
        op = c.in.atom();
    if (!op || !c.in.space())
        return bad(c.tag, "STORE set item flags");
    std::string name = core::to_upper(*op);
    const bool silent = name.size() > 7 && name.substr(name.size() - 7) == ".SILENT";
    if (silent)
        name.resize(name.size() - 7);
    const int mode = name == "FLAGS" ? 0 : name == "+FLAGS" ? 1 : name == "-FLAGS" ? -1 : 2;
    if (mode == 2)
        return bad(c.tag, "STORE takes FLAGS, +FLAGS or -FLAGS");
    auto flags = c.in.flag_list(true);
    // imapflow 1.0 writes the modifier after the flags; taken there too, as it is unambiguous.
    if (flags && !since && c.in.space() && c.in.peek() == '(') {
        since = unchanged_since(c.in);
        if (!since)
            return bad(c.tag, "STORE set [(UNCHANGEDSINCE modseq)] item flags");
    }
    if (!flags || !c.in.at_end())
        return bad(c.tag, "bad flag list");
    if (read_only_)
        return tagged(c.tag, "NO", "[READ-ONLY] mailbox is read-only");
    const std::string enabled = since ? enable_condstore() : std::string();  // RFC 7162 §3.1
    std::string letters;
    for (const auto& f : *flags)
        if (auto l = letter_of(f))
            letters += *l;
    // Letters we do not map (Maildir 'P', Dovecot keyword letters) are kept as they are.
    auto apply = [&](const std::string& now) {
        std::string next;
        if (mode == 0) {
            for (char ch : now)
                if (std::none_of(std::begin(flag_names), std::end(flag_names),
                                 [ch](const FlagName& f) { return f.letter == ch; }))
                    next += ch;
            next += letters;
        } else if (mode == 1) {
            next = now + letters;
        } else {
            for (char ch : now)
                if (letters.find(ch) == std::string::npos)
                    next += ch;
        }
        return sorted(next);
    };
    // +FLAGS and -FLAGS change the flags as they are now (RFC 3501 §6.4.6), not as this session last
    // saw them: a flag another session set meanwhile must not be undone. The store decides each
    // message under its lock, so an UNCHANGEDSINCE test and the change are one step.
    std::unordered_map<std::uint32_t, std::size_t> chosen;
    for (std::size_t i : resolve(*set, c.uid))
        chosen.emplace(view_.messages[i].uid, i);
    std::vector<std::uint32_t> modified;  // failed UNCHANGEDSINCE: sequence numbers or UIDs
    auto after = account_->update_flags(selected_, [&](const MessageRef& now) -> std::optional<std::string> {
        auto it = chosen.find(now.uid);
        if (it == chosen.end())
            return std::nullopt;
        if (since && now.modseq > *since) {
            modified.push_back(c.uid ? now.uid : static_cast<std::uint32_t>(it->second + 1));
            return std::nullopt;
        }
        return apply(now.flags);
    });
    if (!after)
        return tagged(c.tag, "NO", error_text(after.error()), enabled);
    std::unordered_map<std::uint32_t, const MessageRef*> now;
    for (const auto& m : after->messages)
        now.emplace(m.uid, &m);
    std::string out = enabled;
    for (std::size_t i = 0; i < view_.messages.size(); ++i) {
        MessageRef& m = view_.messages[i];
        auto it = now.find(m.uid);
        if (!chosen.count(m.uid) || it == now.end())
            continue;  // not asked for, or gone meanwhile
        if (std::find(modified.begin(), modified.end(), c.uid ? m.uid : static_cast<std::uint32_t>(i + 1)) !=
            modified.end())
            continue;  // left alone; if it changed elsewhere, the refresh after this command says so
        // .SILENT spares the flags the client set itself, not those another session added meanwhile.
        const bool as_expected = it->second->flags == apply(m.flags);
        const bool new_modseq = it->second->modseq != m.modseq;
        m.flags = it->second->flags;
        m.modseq = it->second->modseq;
        const std::string uid = uid_item(m, c.uid);
        if (!silent || !as_expected)
            out += "* " + std::to_string(i + 1) + " FETCH (" + uid + "FLAGS " + imap_flags(m.flags) + modseq_item(m) +
                   ")\r\n";
        else if (condstore_ && new_modseq)  // RFC 7162 §3.1.3: even .SILENT tells the new mod-sequence
            out += "* " + std::to_string(i + 1) + " FETCH (" + uid + "MODSEQ (" + std::to_string(m.modseq) + "))\r\n";
    }
    if (!modified.empty()) {
        std::sort(modified.begin(), modified.end());
        return tagged(c.tag, "OK", "[MODIFIED " + uid_set_text(modified) + "] conditional STORE failed", out);
    }
    return tagged(c.tag, "OK", "STORE completed", out);
}

Step Session::copy(Context& c)
{
    return copy_or_move(c, false);
}

Step Session::move(Context& c)
{
    return copy_or_move(c, true);
}

Step Session::copy_or_move(Context& c, bool move)
{
    std::optional<SequenceSet> set;
    std::optional<std::string> target;
    if (c.in.space())
        set = c.in.sequence_set(policy_.limits.max_set_ranges);
    if (set && c.in.space())
        target = c.in.astring();
    if (!target || !c.in.at_end())
        return bad(c.tag, move ? "MOVE set mailbox" : "COPY set mailbox");
    if (move && read_only_)
        return tagged(c.tag, "NO", "[READ-ONLY] mailbox is read-only");
    const std::string folder = mail::is_inbox(*target) ? "INBOX" : *target;
    auto snap = account_->snapshot(folder);
    if (!snap)
        return tagged(c.tag, "NO",
                      snap.error() == std::errc::no_such_file_or_directory ? "[TRYCREATE] no such mailbox"
                                                                           : error_text(snap.error()));
    const auto chosen = resolve(*set, c.uid);
    const auto current = current_flags();  // the copy gets the flags as they are now
    std::vector<std::uint32_t> from, to;
    for (std::size_t i : chosen) {
        const MessageRef& m = view_.messages[i];
        auto content = account_->read(selected_, m);
        if (!content)
            continue;
        const auto now = current.find(m.uid);
        auto uid = account_->append(folder, *content, now != current.end() ? now->second : m.flags,
                                    account_->internal_date(selected_, m));
        if (!uid)
            return tagged(c.tag, "NO", error_text(uid.error()));
        from.push_back(m.uid);
        to.push_back(*uid);
    }
    const std::string code = from.empty() ? ""
                                          : "[COPYUID " + std::to_string(snap->validity) + " " + uid_set_text(from) +
                                                " " + uid_set_text(to) + "] ";
    if (!move)
        return tagged(c.tag, "OK", code + "COPY completed");
    // RFC 6851 §4.3: COPYUID in an untagged OK, then the EXPUNGEs, then the tagged OK.
    std::string out = from.empty() ? "" : "* OK " + code + "moved\r\n";
    std::vector<std::pair<std::size_t, std::uint32_t>> gone;
    for (std::size_t k = chosen.size(); k-- > 0;) {  // from the last: each number stays right
        const std::size_t i = chosen[k];
        if (std::find(from.begin(), from.end(), view_.messages[i].uid) == from.end() ||
            account_->expunge(selected_, view_.messages[i]))
            continue;
        gone.emplace_back(i + 1, view_.messages[i].uid);
        view_.messages.erase(view_.messages.begin() + static_cast<std::ptrdiff_t>(i));
    }
    return tagged(c.tag, "OK", "MOVE completed", out + expunged(std::move(gone)));
}

Step Session::uid(Context& c)
{
    return bad(c.tag, "UID");  // never called: on_command dispatches UID to the inner command
}

}  // namespace layer7::mail::imap
