// FTP server shell: see server.hpp. The session decides; this file performs: it writes replies,
// runs each Action and hands the outcome back, one step at a time.
#include "ftp/server.hpp"

#include <unistd.h>

#include <spdlog/spdlog.h>

#include "core/net/line_reader.hpp"
#include "ftp/data_channel.hpp"
#include "ftp/file_system.hpp"

namespace layer7::ftp {

namespace {

IpAddress to_ip(const asio::ip::address& a)
{
    if (a.is_v4())
        return *parse_ip(a.to_string());
    const auto v6 = a.to_v6();
    IpAddress out;
    const auto bytes = v6.to_bytes();
    std::copy(bytes.begin(), bytes.end(), out.bytes.begin());
    return out;
}

asio::ip::address to_asio(const IpAddress& a)
{
    if (a.is_v4())
        return asio::ip::make_address_v4(to_string(a));
    asio::ip::address_v6::bytes_type b;
    std::copy(a.bytes.begin(), a.bytes.end(), b.begin());
    return asio::ip::address_v6(b);
}

class Connection {
public:
    Connection(core::TcpSocket socket, Shared& shared)
        : shared_(shared), local_(socket.local_endpoint(ignored_)), control_(std::move(socket), core::Role::server),
          session_(shared.policy, {to_ip(control_.peer().address()), to_ip(local_.address())}),
          reader_(control_, shared.config.limits.max_line)
    {
        control_.set_timeout(shared.config.limits.idle_timeout);
    }

    ~Connection()
    {
        close_file();
        if (temp_.fd >= 0)
            root_->abandon(temp_);
    }

    core::awaitable<void> run()
    {
        co_await dialogue();
        co_await control_.shutdown();
    }

private:
    core::awaitable<void> dialogue()
    {
        // GCC 12: no temporaries as arguments of co_await'ed calls, no co_await inside && or ||.
        const std::string greeting = core::to_wire(session_.greeting(), reply_syntax);
        if (co_await control_.write(greeting))
            co_return;
        for (;;) {
            core::ReadLine line = co_await reader_.read_line(core::LineReader::Wait::for_command);
            Step step;
            switch (line.status) {
            case core::ReadStatus::line: step = session_.on_line(line.text); break;
            case core::ReadStatus::too_long:
                spdlog::warn("ftp: command line over {} bytes from {}", shared_.config.limits.max_line,
                             control_.peer_string());
                step = session_.on_line_too_long();
                break;
            case core::ReadStatus::timed_out: step = session_.on_timeout(); break;
            case core::ReadStatus::closed:
                if (control_.draining()) {  // RFC 959: 421 when the service shuts down
                    const std::string bye = "421 Service shutting down, closing control connection.\r\n";
                    co_await control_.write(bye);
                }
                co_return;
            }
            // A step's replies go out before its action runs: "150" before the data moves.
            for (;;) {
                if (!step.replies.empty()) {
                    const std::string wire = core::to_wire(step.replies, reply_syntax);
                    if (co_await control_.write(wire))
                        co_return;
                }
                if (step.action.op != Op::transfer)
                    close_file();
                if (step.action.op == Op::none)
                    break;
                if (step.action.op == Op::close)
                    co_return;
                auto next = co_await perform(step.action);
                if (!next)
                    co_return;
                step = std::move(*next);
            }
        }
    }

    // Runs one action; nullopt closes the connection.
    core::awaitable<std::optional<Step>> perform(const Action& a)
    {
        switch (a.op) {
        case Op::login: co_return login(a);
        case Op::start_tls:
            reader_.discard_buffered();  // CVE-2011-0411: no plaintext command survives the upgrade
            if (co_await control_.start_tls_server(*shared_.tls))
                co_return std::nullopt;
            co_return session_.on_tls_started();
        case Op::open_passive: co_return session_.on_passive_opened(open_passive());
        case Op::stat: co_return session_.on_fs(fs_stat(*root_, a.path));
        case Op::change_dir: co_return session_.on_fs(fs_change_dir(*root_, a.path));
        case Op::list: co_return session_.on_fs(fs_list(*root_, a.path));
        case Op::open_read: {
            FsResult r = fs_open_read(*root_, a.path, file_fd_);
            file_size_ = r.info.size;
            co_return session_.on_fs(r);
        }
        case Op::open_write:
            co_return session_.on_fs(fs_open_write(*root_, a.path, a.offset, a.append, a.unique, a.path2, temp_));
        case Op::remove_file:
        case Op::remove_dir: co_return session_.on_fs(fs_remove(*root_, a.path, a.op == Op::remove_dir));
        case Op::make_dir: co_return session_.on_fs(fs_make_dir(*root_, a.path));
        case Op::rename: co_return session_.on_fs(fs_rename(*root_, a.path, a.path2));
        case Op::transfer: co_return session_.on_transfer_done(co_await transfer(a));
        case Op::none:
        case Op::close: break;
        }
        co_return std::nullopt;
    }

    // One data listener per session: a new PASV/EPSV closes the previous one, and one no transfer
    // command claims within pasv_timeout closes (vsftpd's accept_timeout), so sessions that send PASV
    // and then idle cannot hold the passive port range.
    std::optional<std::uint16_t> open_passive()
    {
        passive_.reset();
        auto executor = control_.socket().get_executor();
        auto acceptor = open_listener(executor, local_.address(), shared_.config.pasv_min, shared_.config.pasv_max,
                                      shared_.pasv_cursor);
        if (!acceptor)
            return std::nullopt;
        passive_ = std::make_shared<PassiveListener>(std::move(*acceptor), executor);
        passive_->expiry.expires_after(shared_.config.pasv_timeout);
        // The handler holds no reference to the connection: it may outlive it.
        passive_->expiry.async_wait([weak = std::weak_ptr<PassiveListener>(passive_)](std::error_code ec) {
            if (auto listener = weak.lock(); listener && !ec)
                listener->acceptor.close(ec);
        });
        return passive_->acceptor.local_endpoint(ignored_).port();
    }

    Step login(const Action& a)
    {
        bool ok = false, writable = false;
        std::shared_ptr<core::Root> root = shared_.root;
        if (a.anonymous) {
            ok = true;
        } else if (shared_.users.verify(a.user, a.password)) {
            const core::User* user = shared_.users.find(a.user);
            ok = true;
            if (auto w = user->attrs.find("write"); w != user->attrs.end())
                writable = w->second == "yes" || w->second == "true";
            if (auto r = user->attrs.find("root"); r != user->attrs.end() && !r->second.empty()) {
                try {
                    root = std::make_shared<core::Root>(r->second);
                } catch (const std::exception& e) {
                    spdlog::error("ftp: user {}: root {}: {}", a.user, r->second, e.what());
                    ok = false;
                }
            }
        }
        if (ok)
            root_ = std::move(root);
        else
            spdlog::info("ftp: failed login for '{}' from {}", a.user, control_.peer_string());
        return session_.on_login(ok, writable);
    }

    core::awaitable<TransferResult> transfer(const Action& a)
    {
        const auto timeout = shared_.config.data_timeout;
        std::pair<std::error_code, Tcp::socket> connected{asio::error::not_connected,
                                                          Tcp::socket(control_.socket().get_executor())};
        if (a.data_mode == DataMode::passive && passive_ && passive_->acceptor.is_open()) {
            passive_->expiry.cancel();  // claimed: accept_from has its own deadline
            const asio::ip::address peer = control_.peer().address();
            connected = co_await accept_from(passive_->acceptor, peer, timeout);
        } else if (a.data_mode == DataMode::active) {
            const Tcp::endpoint target{to_asio(a.active.address), a.active.port};
            const asio::ip::address local = local_.address();
            connected = co_await connect_to(target, local, timeout);
        }
        passive_.reset();
        if (connected.first) {
            drop_upload();
            co_return TransferResult::no_connection;
        }
        core::Stream data(std::move(connected.second), core::Role::server);
        data.set_timeout(timeout);
        TransferResult result = TransferResult::ok;
        auto work = [&]() -> core::awaitable<void> {
            if (a.protect) {
                // RFC 4217 §7: the server is the TLS server on every data connection, in either mode.
                bool failed = !shared_.tls;
                if (!failed)
                    failed = static_cast<bool>(co_await data.start_tls_server(*shared_.tls));
                if (failed) {
                    result = TransferResult::no_connection;
                    co_return;
                }
            }
            Moved moved;
            switch (a.direction) {
            case Direction::send_listing: moved = co_await send_bytes(data, a.listing); break;
            case Direction::send_file:
                moved = co_await send_file(data, file_fd_, a.offset, file_size_ - a.offset, a.ascii);
                break;
            case Direction::receive_file: moved = co_await receive_file(data, temp_.fd, a.ascii); break;
            }
            if (moved.local)
                result = fs_error(moved.local.value()) == FsError::no_space ? TransferResult::no_space
                                                                            : TransferResult::local_error;
            else if (moved.network)
                result = TransferResult::aborted;
            if (result == TransferResult::ok) {
                data.set_timeout(std::chrono::seconds(2));
                co_await data.shutdown();
            }
        };
        co_await work();
        if (a.direction == Direction::receive_file) {
            // Durability by rename: 226 only once the bytes are fsynced and in place.
            if (result == TransferResult::ok) {
                const auto failed =
                    co_await core::run_blocking(*shared_.blocking, [&] { return root_->commit(temp_); });
                if (failed)
                    result = TransferResult::local_error;
            } else {
                drop_upload();
            }
        }
        close_file();
        co_return result;
    }

    void drop_upload()
    {
        if (temp_.fd >= 0 || temp_.dir_fd >= 0)
            root_->abandon(temp_);
    }

    void close_file()
    {
        if (file_fd_ >= 0)
            ::close(file_fd_);
        file_fd_ = -1;
    }

    std::error_code ignored_;
    Shared& shared_;
    asio::ip::tcp::endpoint local_;
    core::Stream control_;
    ControlSession session_;
    core::LineReader reader_;
    std::shared_ptr<core::Root> root_;
    struct PassiveListener {
        PassiveListener(Tcp::acceptor a, const asio::any_io_executor& executor)
            : acceptor(std::move(a)), expiry(executor)
        {
        }
        Tcp::acceptor acceptor;
        asio::steady_timer expiry;
    };
    std::shared_ptr<PassiveListener> passive_;
    int file_fd_ = -1;
    std::uint64_t file_size_ = 0;
    core::Root::Temp temp_;
};

}  // namespace

core::awaitable<void> serve_connection(core::TcpSocket socket, Shared& shared)
{
    auto connection = std::make_unique<Connection>(std::move(socket), shared);
    co_await connection->run();
}

}  // namespace layer7::ftp
