// The IMAP connection shell: see server.hpp. Timeouts live in the Stream (its idle watchdog); the
// Session decides everything else. Store work is synchronous file I/O on the worker thread.
#include "mail/imap/server.hpp"

#include <optional>

#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "mail/imap/folder_watch.hpp"
#include "mail/imap/store_account.hpp"

namespace layer7::mail::imap {

namespace {

// The store of `login`, whose account is put in `who`.
std::unique_ptr<StoreAccount> open_account(const ServerContext& context, const std::string& login,
                                           std::optional<mail::Account>& who)
{
    const auto account = context.system->users()->accounts(context.config.domain).find_login(login);
    if (!account)
        return nullptr;  // removed between the password check and now
    who = account;
    auto box = context.system->store().mailbox(account->domain, account->user);
    if (!box)
        return nullptr;
    auto opened = std::make_unique<StoreAccount>(box->path());
    if (auto ec = opened->open()) {
        spdlog::error("imap: cannot open {}: {}", box->path(), ec.message());
        return nullptr;
    }
    return opened;
}

// Rung by the mail system when this process delivers to the mailbox; on the session's executor.
struct DeliveryBell {
    asio::steady_timer timer;
    unsigned rung = 0;
};

// IDLE: a watcher coroutine pushes untagged news while this one waits for "DONE". Reading is never
// cancelled (no input is lost); the watcher is stopped and awaited before anything else is written.
core::awaitable<Step> idle(core::Stream& stream, core::LineReader& reader, Session& session, StoreAccount* account,
                           const std::optional<mail::Account>& who, const mail::System& system)
{
    auto executor = co_await asio::this_coro::executor;
    const std::string path =
        account && !session.selected_folder().empty() ? account->folder_path(session.selected_folder()) : std::string();
    FolderWatch watch(executor, path);
    // Without inotify (out of instances: fs.inotify.max_user_instances), mail that SMTP delivers
    // in this process still wakes an IDLE on INBOX at once; other changes wait for the next command.
    auto bell = std::make_shared<DeliveryBell>(
        DeliveryBell{asio::steady_timer(executor, asio::steady_timer::time_point::max())});
    std::shared_ptr<void> listening;
    if (!watch.watching() && who && session.selected_folder() == "INBOX")
        listening = system.listen(who->domain, who->user, [executor, bell] {
            asio::post(executor, [bell] {
                ++bell->rung;
                bell->timer.cancel();
            });
        });
    asio::steady_timer finished(executor, asio::steady_timer::time_point::max());
    bool stop = false, done = false;
    const auto changed = [&]() -> core::awaitable<bool> {
        if (watch.watching())
            co_return co_await watch.changed();
        while (listening && !stop && bell->rung == 0)
            co_await bell->timer.async_wait(core::use_tuple);
        bell->rung = 0;
        co_return listening && !stop;
    };
    asio::co_spawn(
        executor,
        [&]() -> core::awaitable<void> {
            // The session looked at the folder before "+ idling"; mail delivered between that look
            // and the watch being set raised no event, so look once more now that it is set.
            for (bool first = true; !stop && (first || co_await changed()); first = false) {
                if (stop)
                    break;
                Step news = session.on_idle_changed();
                if (!news.wire.empty() && co_await stream.write(news.wire))
                    break;
            }
            done = true;
            finished.cancel();
        },
        asio::detached);
    const core::ReadLine line = co_await reader.read_line();
    stop = true;
    watch.cancel();
    bell->timer.cancel();
    if (!done)
        co_await finished.async_wait(core::use_tuple);
    if (line.status != core::ReadStatus::line) {
        Step closing;
        closing.action = Action::close;
        co_return closing;
    }
    co_return session.on_idle_line(line.text);
}

core::awaitable<void> dialogue(core::Stream& stream, const ServerContext& context)
{
    Client client;
    client.loopback = stream.peer().address().is_loopback();
    Session session(context.policy, client);
    CommandAssembler assembler(context.policy.limits);
    core::LineReader reader(stream, context.policy.limits.max_line);
    std::unique_ptr<StoreAccount> account;
    std::optional<mail::Account> who;  // account's owner
    if (co_await stream.write(session.greeting()))
        co_return;
    for (;;) {
        const auto wait =
            session.wants_continuation() ? core::LineReader::Wait::in_message : core::LineReader::Wait::for_command;
        core::ReadLine line = co_await reader.read_line(wait);
        Step step;
        if (line.status == core::ReadStatus::timed_out) {
            co_await stream.write("* BYE autologout timer expired\r\n");
            co_return;
        }
        if (line.status == core::ReadStatus::closed) {
            if (stream.draining())  // RFC 9051 §7.1.5: BYE before a server-initiated close
                co_await stream.write("* BYE server shutting down\r\n");
            co_return;
        }
        if (line.status == core::ReadStatus::too_long) {
            assembler.reset();
            step = session.on_line_too_long();
        } else if (session.wants_continuation()) {
            step = session.on_continuation(line.text);
        } else {
            CommandAssembler::Event event = assembler.on_line(line.text);
            bool broken = false;
            while (event.status == CommandAssembler::Status::need_literal) {
                if (event.synchronizing && co_await stream.write("+ OK\r\n"))
                    co_return;
                auto [status, bytes] = co_await reader.read_exactly(static_cast<std::size_t>(event.literal_size));
                if (status != core::ReadStatus::line)
                    co_return;
                assembler.on_literal(std::move(bytes));
                line = co_await reader.read_line();
                if (line.status == core::ReadStatus::too_long) {
                    assembler.reset();
                    broken = true;
                    break;
                }
                if (line.status != core::ReadStatus::line)
                    co_return;
                event = assembler.on_line(line.text);
            }
            if (broken)
                step = session.on_line_too_long();
            else if (event.status == CommandAssembler::Status::refused)
                step = session.on_refused(event);
            else
                step = session.on_command(assembler.take());
        }
        for (bool more = true; more;) {
            if (step.delay.count() > 0) {
                spdlog::warn("imap: authentication failed from {}", stream.peer_string());
                asio::steady_timer timer(co_await asio::this_coro::executor, step.delay);
                co_await timer.async_wait(core::use_tuple);
            }
            if (!step.wire.empty() && co_await stream.write(step.wire))
                co_return;
            switch (step.action) {
            case Action::read_command: more = false; break;
            case Action::open_account:
                account = open_account(context, step.user, who);
                if (account)
                    spdlog::info("imap: {} logged in from {}", step.user, stream.peer_string());
                step = session.on_account(account.get());
                break;
            case Action::start_tls:
                reader.discard_buffered();  // CVE-2011-0411: no pipelined plaintext survives
                if (!context.tls || co_await stream.start_tls_server(*context.tls))
                    co_return;
                session.on_tls_started();
                more = false;
                break;
            case Action::idle: {
                step = co_await idle(stream, reader, session, account.get(), who, *context.system);
                break;
            }
            case Action::more: step = session.on_more(); break;
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

}  // namespace layer7::mail::imap
