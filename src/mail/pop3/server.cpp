// The POP3 connection shell: see server.hpp. Timeouts live here (the stream's watchdog); the
// Session decides everything else. Reading a message is a small file read on the worker thread;
// what may wait on the disk — opening (and perhaps creating) the maildrop, QUIT's fsyncs — goes to
// the blocking pool.
#include "mail/pop3/server.hpp"

#include <optional>

#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "mail/pop3/response_codec.hpp"
#include "mail/store/mailbox_lock.hpp"

namespace layer7::mail::pop3 {

namespace {

// What a logged-in connection holds: the lock (RFC 1939 §8) and the snapshot it listed.
struct Maildrop {
    std::string name;  // user@domain, for the log
    mail::Maildir box;
    mail::MailboxLock lock;
    std::vector<mail::MaildirEntry> entries;
};

struct Opened {
    OpenResult result = OpenResult::failed;
    std::optional<Maildrop> drop;
};

Opened open_maildrop(const ServerContext& context, const std::string& login)
{
    const auto account = context.system->users()->accounts(context.config.domain).find_login(login);
    if (!account)
        return {};  // removed between PASS and now
    auto box = context.system->store().mailbox(account->domain, account->user);
    if (!box)
        return {};
    if (auto ec = box->create()) {
        spdlog::error("pop3: cannot create {}: {}", box->path(), ec.message());
        return {};
    }
    auto lock = mail::MailboxLock::try_acquire(box->path());
    if (!lock) {
        if (lock.error() == std::errc::resource_unavailable_try_again)
            return {OpenResult::in_use, std::nullopt};
        spdlog::error("pop3: cannot lock {}: {}", box->path(), lock.error().message());
        return {};
    }
    auto entries = box->list();
    if (!entries) {
        spdlog::error("pop3: cannot list {}: {}", box->path(), entries.error().message());
        return {};
    }
    return {OpenResult::ok,
            Maildrop{account->user + "@" + account->domain, std::move(*box), std::move(*lock), std::move(*entries)}};
}

std::vector<MessageInfo> infos_of(const std::vector<mail::MaildirEntry>& entries)
{
    std::vector<MessageInfo> out;
    out.reserve(entries.size());
    for (const auto& e : entries)
        out.push_back({e.wire_size, e.uid});
    return out;
}

// UPDATE state: seen flags first (harmless if repeated), then the deletions, each fsync'ed.
std::error_code commit(Maildrop& drop, const Step& step)
{
    for (std::size_t i : step.retrieved) {
        auto& entry = drop.entries.at(i);
        if (entry.flags.find('S') == std::string::npos)
            if (auto ec = drop.box.set_flags(entry, entry.flags + "S"))
                spdlog::warn("pop3: cannot flag {} seen: {}", entry.file, ec.message());
    }
    std::error_code first;
    for (std::size_t i : step.deletions)
        if (auto ec = drop.box.remove(drop.entries.at(i)); ec && !first)
            first = ec;
    return first;
}

core::awaitable<void> dialogue(core::Stream& stream, const ServerContext& context)
{
    Client client;
    client.loopback = stream.peer().address().is_loopback();
    Session session(context.policy, client);
    core::LineReader reader(stream, context.config.limits.max_line);
    std::optional<Maildrop> drop;
    if (co_await stream.write(session.greeting()))
        co_return;
    for (;;) {
        const core::ReadLine line = co_await reader.read_line(core::LineReader::Wait::for_command);
        Step step;
        if (line.status == core::ReadStatus::line)
            step = session.on_line(line.text);
        else if (line.status == core::ReadStatus::too_long)
            step = session.on_line_too_long();
        else {
            // RFC 1939 §3: an expired autologout timer (or a stop) closes without entering UPDATE.
            if (line.status == core::ReadStatus::timed_out)
                co_await stream.write(err("autologout timer expired, closing connection"));
            else if (stream.draining())
                co_await stream.write(err("server shutting down, closing connection"));
            co_return;
        }
        for (bool more = true; more;) {
            if (step.delay.count() > 0) {
                spdlog::warn("pop3: authentication failed from {}", stream.peer_string());
                asio::steady_timer timer(co_await asio::this_coro::executor, step.delay);
                co_await timer.async_wait(core::use_tuple);
            }
            if (!step.wire.empty() && co_await stream.write(step.wire))
                co_return;
            switch (step.action) {
            case Action::read_line: more = false; break;
            case Action::open_mailbox: {
                Opened opened =
                    co_await core::run_blocking(*context.blocking, [&] { return open_maildrop(context, step.user); });
                if (opened.result == OpenResult::ok) {
                    drop = std::move(opened.drop);
                    spdlog::info("pop3: {} logged in from {} ({} messages)", drop->name, stream.peer_string(),
                                 drop->entries.size());
                    step = session.on_mailbox(OpenResult::ok, infos_of(drop->entries));
                } else {
                    step = session.on_mailbox(opened.result, {});
                }
                break;
            }
            case Action::read_message: {
                auto content = drop->box.read(drop->entries.at(step.message));
                if (!content)
                    spdlog::warn("pop3: cannot read {}: {}", drop->entries.at(step.message).file,
                                 content.error().message());
                step = session.on_message(content ? std::optional<std::string_view>(*content) : std::nullopt);
                break;
            }
            case Action::commit: {
                const auto ec = co_await core::run_blocking(*context.blocking, [&] { return commit(*drop, step); });
                spdlog::info("pop3: {} quit: {} deleted, {} kept as seen{}", drop->name, step.deletions.size(),
                             step.retrieved.size(), ec ? " (" + ec.message() + ")" : "");
                step = session.on_committed(ec);
                break;
            }
            case Action::start_tls:
                reader.discard_buffered();  // CVE-2011-0411: no pipelined plaintext survives
                if (!context.tls || co_await stream.start_tls_server(*context.tls))
                    co_return;
                session.on_tls_started();
                more = false;
                break;
            case Action::close: co_return;
            }
        }
    }
}

}  // namespace

core::awaitable<void> serve_connection(core::TcpSocket socket, const ServerContext& context)
{
    core::Stream stream(std::move(socket), core::Role::server);
    stream.set_timeout(context.config.limits.idle_timeout);
    co_await dialogue(stream, context);
    co_await stream.shutdown();
}

}  // namespace layer7::mail::pop3
