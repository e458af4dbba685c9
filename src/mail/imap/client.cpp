// `layer7 mail fetch --imap`: see client.hpp. Downloading keeps "nothing acknowledged is lost":
// UID FETCH → durable local delivery → UID STORE \Deleted, and UID EXPUNGE only at the end (or
// EXPUNGE when the server lacks UIDPLUS), so a failure half-way deletes only what is stored here.
#include "mail/imap/client.hpp"

#include <algorithm>
#include <iostream>
#include <optional>

#include "core/net/line_reader.hpp"
#include "core/net/resolve.hpp"
#include "mail/imap/response_parser.hpp"
#include "mail/message/display.hpp"
#include "mail/store/maildir.hpp"

namespace layer7::mail::imap {
namespace {

struct Reply {
    Response done;                   // the tagged OK
    std::vector<Response> untagged;  // what came before it
};

class Connection {
public:
    Connection(core::Stream& stream, const ResponseLimits& limits)
        : reader_(stream, limits.max_line), assembler_(limits), limits_(limits), stream_(stream)
    {
    }

    // One whole response, its literals included; nullopt (with `failure`) on a broken one.
    core::awaitable<std::optional<Response>> read(std::string& failure)
    {
        for (;;) {
            const core::ReadLine line = co_await reader_.read_line();
            if (line.status != core::ReadStatus::line) {
                failure = line.status == core::ReadStatus::too_long ? "response line too long" : "connection lost";
                co_return std::nullopt;
            }
            const AssembleStatus status = assembler_.on_line(line.text);
            if (status == AssembleStatus::need_literal) {
                auto [read, bytes] = co_await reader_.read_exactly(assembler_.literal_size());
                if (read != core::ReadStatus::line) {
                    failure = "connection lost in a literal";
                    co_return std::nullopt;
                }
                if (assembler_.on_literal(bytes) == AssembleStatus::error) {
                    failure = assembler_.error();
                    co_return std::nullopt;
                }
                continue;  // the response goes on in the next line
            }
            if (status == AssembleStatus::error) {
                failure = assembler_.error();
                co_return std::nullopt;
            }
            auto parsed = parse_response(assembler_.take(), limits_);
            if (!parsed) {
                failure = "bad response: " + parsed.error();
                co_return std::nullopt;
            }
            co_return std::move(*parsed);
        }
    }

    // Sends a command and collects the responses up to its tagged one; nullopt unless that is OK.
    core::awaitable<std::optional<Reply>> command(const std::string& text, std::string& failure)
    {
        const std::string tag = "a" + std::to_string(++tags_);
        const std::string verb = text.substr(0, text.find(' ', text.starts_with("UID ") ? 4 : 0));
        if (co_await stream_.write(tag + " " + text + "\r\n")) {
            failure = "connection lost";
            co_return std::nullopt;
        }
        Reply reply;
        for (;;) {
            auto r = co_await read(failure);
            if (!r)
                co_return std::nullopt;
            if (r->kind == Response::Kind::tagged && r->tag == tag) {
                if (r->keyword != "OK") {
                    failure = verb + ": " + r->keyword + " " + (r->code.empty() ? "" : "[" + r->code + "] ") + r->text;
                    co_return std::nullopt;
                }
                reply.done = std::move(*r);
                co_return reply;
            }
            if (r->kind == Response::Kind::untagged && r->keyword == "BYE") {
                failure = "server closed: " + r->text;
                co_return std::nullopt;
            }
            reply.untagged.push_back(std::move(*r));
        }
    }

    void discard_buffered() { reader_.discard_buffered(); }

private:
    core::LineReader reader_;
    ResponseAssembler assembler_;
    const ResponseLimits& limits_;
    core::Stream& stream_;
    unsigned tags_ = 0;
};

std::string flags_text(const Value* flags)
{
    std::string out;
    if (!flags)
        return out;
    for (const auto& f : flag_list(*flags)) {
        if (f == "\\Seen")
            out += 'S';
        else if (f == "\\Flagged")
            out += 'F';
        else if (f == "\\Answered")
            out += 'R';
        else if (f == "\\Deleted")
            out += 'T';
        else if (f == "\\Draft")
            out += 'D';
    }
    std::sort(out.begin(), out.end());  // as Maildir writes them, whatever order the server sent
    return out.empty() ? "N" : out;     // N: new (unseen)
}

struct Session {
    Connection& c;
    const ClientOptions& options;
    const ClientTask& task;
    std::string& failure;
    std::vector<std::string> capabilities;

    bool has(std::string_view capability) const
    {
        return std::find(capabilities.begin(), capabilities.end(), capability) != capabilities.end();
    }

    core::awaitable<bool> select(bool read_only)
    {
        auto name = quote(task.folder);
        if (!name) {
            failure = "bad folder name";
            co_return false;
        }
        auto r = co_await c.command(std::string(read_only ? "EXAMINE " : "SELECT ") + *name, failure);
        co_return r.has_value();
    }

    core::awaitable<bool> folders()
    {
        auto r = co_await c.command("LIST \"\" \"*\"", failure);
        if (!r)
            co_return false;
        for (const auto& line : r->untagged) {
            auto entry = list_entry(line);
            if (!entry)
                continue;
            std::string special;
            for (const auto& f : entry->flags)
                if (f != "\\HasNoChildren" && f != "\\HasChildren")
                    special += " " + f;
            std::string counts;
            if (std::find(entry->flags.begin(), entry->flags.end(), "\\Noselect") == entry->flags.end()) {
                const std::string name = quote(entry->name).value_or("\"\"");
                auto status = co_await c.command("STATUS " + name + " (MESSAGES UNSEEN)", failure);
                if (!status)
                    co_return false;
                for (const auto& s : status->untagged)
                    if (auto e = status_entry(s))
                        counts = std::to_string(e->get("MESSAGES").value_or(0)) + " messages, " +
                                 std::to_string(e->get("UNSEEN").value_or(0)) + " unseen";
            }
            std::cout << entry->name << "  " << counts << special << "\n";
        }
        co_return true;
    }

    core::awaitable<bool> list()
    {
        if (!co_await select(true))
            co_return false;
        auto r = co_await c.command(
            "UID FETCH 1:* (UID FLAGS RFC822.SIZE BODY.PEEK[HEADER.FIELDS (FROM SUBJECT DATE)])", failure);
        if (!r)
            co_return false;
        std::size_t count = 0;
        for (const auto& line : r->untagged) {
            const Value* uid = fetch_item(line, "UID");
            const Value* size = fetch_item(line, "RFC822.SIZE");
            const Value* header = fetch_item(line, "BODY[HEADER.FIELDS (FROM SUBJECT DATE)]");
            if (!uid)
                continue;
            std::cout << mail::summary_line(uid->str(), flags_text(fetch_item(line, "FLAGS")),
                                            size ? size->number().value_or(0) : 0, header ? header->str() : "")
                      << "\n";
            ++count;
        }
        std::cout << count << " message" << (count == 1 ? "" : "s") << " in " << task.folder << "\n";
        co_return true;
    }

    core::awaitable<bool> read()
    {
        if (!co_await select(false))
            co_return false;
        auto r = co_await c.command("UID FETCH " + std::to_string(task.uid) + " (UID BODY[])", failure);
        if (!r)
            co_return false;
        for (const auto& line : r->untagged)
            if (const Value* body = fetch_item(line, "BODY[]")) {
                std::cout << mail::display_message(body->str());
                co_return true;
            }
        failure = "no message with UID " + std::to_string(task.uid) + " in " + task.folder;
        co_return false;
    }

    core::awaitable<bool> move()
    {
        auto to = quote(task.to);
        if (!to) {
            failure = "bad folder name";
            co_return false;
        }
        if (!co_await select(false))
            co_return false;
        const std::string uid = std::to_string(task.uid);
        if (has("MOVE")) {
            if (!co_await c.command("UID MOVE " + uid + " " + *to, failure))
                co_return false;
        } else {  // RFC 6851 §3.3: what MOVE does, by COPY, STORE and EXPUNGE
            const std::string expunge = has("UIDPLUS") ? "UID EXPUNGE " + uid : "EXPUNGE";
            for (const std::string& step :
                 {"UID COPY " + uid + " " + *to, "UID STORE " + uid + " +FLAGS.SILENT (\\Deleted)", expunge}) {
                auto done = co_await c.command(step, failure);
                if (!done)
                    co_return false;
            }
        }
        std::cout << "moved UID " << uid << " from " << task.folder << " to " << task.to << "\n";
        co_return true;
    }

    core::awaitable<bool> store(const std::string& change)
    {
        if (!co_await select(false))
            co_return false;
        auto r = co_await c.command("UID STORE " + std::to_string(task.uid) + " " + change, failure);
        if (!r)
            co_return false;
        for (const auto& line : r->untagged)
            if (fetch_item(line, "FLAGS")) {
                std::cout << "UID " << task.uid << " flags: " << flags_text(fetch_item(line, "FLAGS")) << "\n";
                co_return true;
            }
        failure = "no message with UID " + std::to_string(task.uid) + " in " + task.folder;
        co_return false;
    }

    core::awaitable<bool> download(mail::Maildir& maildir)
    {
        if (!co_await select(task.keep))
            co_return false;
        auto search = co_await c.command("UID SEARCH ALL", failure);
        if (!search)
            co_return false;
        std::vector<std::uint32_t> uids;
        for (const auto& line : search->untagged)
            for (auto uid : search_result(line))
                uids.push_back(uid);
        if (!uids.empty())
            if (auto created = maildir.create()) {
                failure = "cannot create " + task.maildir + ": " + created.message();
                co_return false;
            }
        std::size_t fetched = 0, deleted = 0;
        std::uint64_t bytes = 0;
        std::string stored_set;
        for (auto uid : uids) {
            auto r = co_await c.command("UID FETCH " + std::to_string(uid) + " (UID BODY.PEEK[])", failure);
            if (!r)
                break;
            const Value* body = nullptr;
            for (const auto& line : r->untagged)
                if (!body)
                    body = fetch_item(line, "BODY[]");
            if (!body)
                continue;  // expunged meanwhile
            if (auto stored = maildir.deliver(body->str()); !stored) {
                failure =
                    "cannot store UID " + std::to_string(uid) + " in " + task.maildir + ": " + stored.error().message();
                break;
            }
            ++fetched;
            bytes += body->str().size();
            if (!task.keep) {
                if (!co_await c.command("UID STORE " + std::to_string(uid) + " +FLAGS.SILENT (\\Deleted)", failure))
                    break;
                stored_set += (stored_set.empty() ? "" : ",") + std::to_string(uid);
                ++deleted;
            }
        }
        if (!stored_set.empty()) {
            std::string expunge_failure;
            const std::string expunge = has("UIDPLUS") ? "UID EXPUNGE " + stored_set : "EXPUNGE";
            auto expunged = co_await c.command(expunge, expunge_failure);
            if (!expunged && failure.empty())
                failure = expunge_failure;
        }
        std::cout << "fetched " << fetched << " message" << (fetched == 1 ? "" : "s") << " (" << bytes
                  << " octets) from " << task.folder << " into " << task.maildir;
        if (!task.keep)
            std::cout << "; " << deleted << " deleted on the server";
        std::cout << "\n";
        co_return failure.empty();
    }
};

core::awaitable<int> run(const ClientOptions& options, const ClientTask& task)
{
    auto [ec, socket] = co_await core::connect_tcp(options.server, options.timeout);
    const std::string where = core::to_string(options.server);
    if (ec) {
        std::cerr << "layer7: cannot connect to " << where << ": " << ec.message() << "\n";
        co_return 1;
    }
    core::Stream stream(std::move(socket), core::Role::client);
    stream.set_timeout(options.timeout);
    const ResponseLimits limits;
    Connection c(stream, limits);
    std::string failure;
    mail::Maildir maildir(task.maildir);
    bool ok = false;

    auto session = [&]() -> core::awaitable<void> {
        auto greeting = co_await c.read(failure);
        if (!greeting || greeting->keyword != "OK") {
            failure = greeting ? "server refused: " + greeting->text : "no IMAP greeting (" + failure + ")";
            co_return;
        }
        if (options.starttls) {
            if (!co_await c.command("STARTTLS", failure))
                co_return;
            c.discard_buffered();  // nothing read before TLS counts after it
            failure = co_await stream.start_tls_client(options.ca_file, options.insecure, options.server.host);
            if (!failure.empty())
                co_return;
        }
        auto user = quote(options.user);
        auto password = quote(options.password);
        if (!user || !password) {
            failure = "user and password may not hold line breaks";
            co_return;
        }
        auto login = co_await c.command("LOGIN " + *user + " " + *password, failure);
        if (!login)
            co_return;
        auto caps = co_await c.command("CAPABILITY", failure);
        if (!caps)
            co_return;
        Session s{c, options, task, failure, {}};
        for (const auto& line : caps->untagged)
            if (line.keyword == "CAPABILITY")
                for (const auto& v : line.data)
                    s.capabilities.push_back(v.str());
        using Action = ClientTask::Action;
        switch (task.action) {
        case Action::download: ok = co_await s.download(maildir); break;
        case Action::folders: ok = co_await s.folders(); break;
        case Action::list: ok = co_await s.list(); break;
        case Action::read: ok = co_await s.read(); break;
        case Action::move: ok = co_await s.move(); break;
        case Action::flag: ok = co_await s.store("+FLAGS (\\Flagged)"); break;
        case Action::unflag: ok = co_await s.store("-FLAGS (\\Flagged)"); break;
        case Action::seen: ok = co_await s.store("+FLAGS (\\Seen)"); break;
        case Action::unseen: ok = co_await s.store("-FLAGS (\\Seen)"); break;
        }
        std::string logout_failure;
        co_await c.command("LOGOUT", logout_failure);  // the BYE before OK ends it either way
    };
    co_await session();
    co_await stream.shutdown();
    if (stream.timed_out() && failure.empty())
        failure = "timed out";
    if (!ok || !failure.empty()) {
        std::cerr << "layer7: " << where << ": " << (failure.empty() ? "failed" : failure) << "\n";
        co_return 1;
    }
    co_return 0;
}

}  // namespace

int run_client(const ClientOptions& options, const ClientTask& task)
{
    asio::io_context context;
    int status = 1;
    asio::co_spawn(context, run(options, task), [&](std::exception_ptr e, int s) {
        if (e)
            std::rethrow_exception(e);
        status = s;
    });
    context.run();
    return status;
}

}  // namespace layer7::mail::imap
