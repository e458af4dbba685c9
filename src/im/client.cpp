// `layer7 im NAME`: the IM client. One io_context runs the index dialogue, the peer listener, each
// direct chat and stdin. The index only tells us who is online and where; every chat message goes
// over a TCP connection straight to the buddy (--trace shows both dialogues, each with its own id),
// so chats already open go on when the index goes away.
//
// Typed lines: /chat BUDDY (open a chat and make it current), /who, /quit, /help; any other line is
// a message to the current chat. The end of stdin is /quit.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <set>

#include "core/net/line_reader.hpp"
#include "core/net/resolve.hpp"
#include "im/im.hpp"
#include "im/index_client.hpp"
#include "im/index_codec.hpp"
#include "im/outbox.hpp"
#include "im/peer_session.hpp"

namespace layer7::im {

namespace {

using namespace asio::experimental::awaitable_operators;

constexpr auto chat_timeout = std::chrono::hours(24);  // a chat may be quiet for long, once open
constexpr std::size_t max_chats = 256;                 // peer connections at once: more are closed at accept
constexpr std::size_t max_outbox = 1 << 20;            // typed text queued for one connection
constexpr std::size_t watch_batch = 16;                // names per WATCH line (the index's line limit)
constexpr auto quit_grace = std::chrono::seconds(3);   // for the last BYE and QUIT to go out

// Lines typed on stdin: a pipe, terminal or socket is read as it comes; a regular file or
// /dev/null (not pollable) is read whole at the start.
class Input {
public:
    explicit Input(const asio::any_io_executor& executor) : descriptor_(executor)
    {
        struct stat st {};
        const bool pollable =
            ::fstat(STDIN_FILENO, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || ::isatty(STDIN_FILENO));
        if (pollable) {
            flags_ = ::fcntl(STDIN_FILENO, F_GETFL);
            descriptor_.assign(::dup(STDIN_FILENO));
            return;
        }
        char buffer[65536];
        for (ssize_t n; (n = ::read(STDIN_FILENO, buffer, sizeof buffer)) > 0;)
            pending_.append(buffer, static_cast<std::size_t>(n));
        ended_ = true;
    }
    ~Input()
    {
        if (flags_ >= 0)  // asio made the shared file description non-blocking: give the terminal back
            ::fcntl(STDIN_FILENO, F_SETFL, flags_);
    }

    // The next line without its ending; nullopt at the end of input or after close().
    core::awaitable<std::optional<std::string>> next_line()
    {
        for (;;) {
            if (const auto nl = pending_.find('\n'); nl != std::string::npos) {
                std::string line = pending_.substr(0, nl);
                pending_.erase(0, nl + 1);
                if (line.ends_with('\r'))
                    line.pop_back();
                co_return line;
            }
            if (ended_) {
                if (pending_.empty())
                    co_return std::nullopt;
                co_return std::exchange(pending_, {});
            }
            char buffer[4096];
            auto [ec, n] = co_await descriptor_.async_read_some(asio::buffer(buffer), core::use_tuple);
            if (ec)
                ended_ = true;
            else
                pending_.append(buffer, n);
        }
    }
    void close()
    {
        ended_ = true;
        pending_.clear();
        std::error_code ignored;
        descriptor_.cancel(ignored);
    }

private:
    asio::posix::stream_descriptor descriptor_;
    int flags_ = -1;
    std::string pending_;
    bool ended_ = false;
};

// One direct connection with a buddy.
struct Chat {
    Chat(asio::ip::tcp::socket socket, core::Role role, PeerSession peer_session, std::size_t max_line)
        : stream(std::move(socket), role), session(std::move(peer_session)),
          outbox(std::make_shared<Outbox>(stream.socket().get_executor(), max_outbox)), reader(stream, max_line)
    {
    }
    core::Stream stream;
    PeerSession session;
    std::shared_ptr<Outbox> outbox;
    core::LineReader reader;
};

class Client {
public:
    Client(const ClientOptions& options, asio::io_context& context)
        : options_(options), context_(context), acceptor_(context), input_(context.get_executor()),
          ping_timer_(context), guard_(context)
    {
    }

    // Opens the peer port and connects to the index; then everything runs until quit.
    core::awaitable<void> run()
    {
        auto endpoint = core::tcp_endpoint(options_.listen);
        if (const std::error_code ec = core::listen_on(acceptor_, *endpoint)) {
            std::cerr << "layer7: cannot listen on " << core::to_string(options_.listen) << ": " << ec.message()
                      << "\n";
            status_ = 1;
            co_return;
        }
        const auto bound = acceptor_.local_endpoint();
        my_address_ = core::to_string({bound.address().to_string(), bound.port()});
        asio::co_spawn(context_, accept_loop(), asio::detached);
        asio::co_spawn(context_, ping_loop(), asio::detached);
        co_await index_loop();
    }

    int status() const { return status_; }

private:
    void say(std::string_view line) { std::cout << line << '\n' << std::flush; }

    // --- the index -----------------------------------------------------------------------------
    core::awaitable<void> index_loop()
    {
        const std::string where = core::to_string(options_.server);
        auto [ec, socket] = co_await core::connect_tcp(options_.server, options_.timeout);
        if (ec) {
            std::cerr << "layer7: cannot reach the index at " << where << ": " << ec.message() << "\n";
            status_ = 1;
            quit();
            co_return;
        }
        Live live(*this);
        core::Stream stream(std::move(socket), core::Role::client);
        index_stream_ = &stream;
        core::Trace::instance().note(stream.id(), "index " + where + " (presence only: chat never goes here)");
        stream.set_timeout(options_.ping * 3);
        index_out_ = std::make_shared<Outbox>(context_.get_executor(), max_outbox);
        index_out_->push(index_.register_as(options_.name, my_address_));
        for (std::size_t i = 0; i < options_.buddies.size(); i += watch_batch)
            index_out_->push(index_.watch(std::vector<std::string>(
                options_.buddies.begin() + static_cast<std::ptrdiff_t>(i),
                options_.buddies.begin() +
                    static_cast<std::ptrdiff_t>(std::min(i + watch_batch, options_.buddies.size())))));
        if (quitting_)
            index_out_->close();
        else  // what is typed from now on can go to the index (a LOOKUP) at once
            asio::co_spawn(context_, input_loop(), asio::detached);
        co_await (read_index(stream) && drain(stream, *index_out_));
        index_out_.reset();
        index_stream_ = nullptr;
        co_await stream.shutdown();
        if (!quitting_)
            say("* the index at " + where + " went away; chats in progress go on, new ones need a known address");
    }

    core::awaitable<void> read_index(core::Stream& stream)
    {
        core::LineReader reader(stream, options_.max_line);
        for (bool open = true; open;) {
            const core::ReadLine line = co_await reader.read_line();
            if (line.status == core::ReadStatus::line)
                open = on_index(index_.on_line(line.text));
            else if (line.status == core::ReadStatus::too_long)
                open = false;
            else
                break;
        }
        if (index_out_)
            index_out_->close();
    }

    // One event from the index; false when the dialogue is over.
    bool on_index(const IndexEvent& event)
    {
        using Kind = IndexEvent::Kind;
        switch (event.kind) {
        case Kind::ready: return true;
        case Kind::registered:
            say("* registered as " + options_.name + " at the index " + core::to_string(options_.server) +
                "; buddies reach me directly at " + my_address_);
            return true;
        case Kind::refused:
            std::cerr << "layer7: the index refused " << options_.name << ": " << event.code << " " << event.text
                      << "\n";
            status_ = 1;
            quit();
            return false;
        case Kind::online:
            if (auto it = online_.find(event.name); it == online_.end() || it->second != event.address)
                say("* " + event.name + " is online at " + event.address);
            online_[event.name] = event.address;
            return true;
        case Kind::offline:
            online_.erase(event.name);
            say("* " + event.name + " is offline");
            return true;
        case Kind::user: say("* online: " + event.name + " at " + event.address); return true;
        case Kind::found:
            online_[event.name] = event.address;
            if (want_.contains(event.name))
                call(event.name);
            return true;
        case Kind::not_found:
            if (want_.erase(event.name))
                drop_queued(event.name, event.name + " is not online");
            return true;
        case Kind::done:
            if (event.answers == "WHO")
                say("* " + event.text);
            return true;
        case Kind::bye:
        case Kind::closing:
            if (!quitting_)
                say("* the index says: " + std::to_string(event.code) + " " + event.text);
            return false;
        case Kind::error: say("* the index says: " + std::to_string(event.code) + " " + event.text); return true;
        case Kind::garbage: say("* the index sent something that is not the protocol; leaving it"); return false;
        }
        return true;
    }

    core::awaitable<void> ping_loop()
    {
        while (!quitting_) {
            ping_timer_.expires_after(options_.ping);
            co_await ping_timer_.async_wait(core::use_tuple);
            if (!quitting_ && index_out_)
                index_out_->push(index_.ping());
        }
    }

    // --- direct chats --------------------------------------------------------------------------
    core::awaitable<void> accept_loop()
    {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(core::use_tuple);
            if (ec == asio::error::operation_aborted || !acceptor_.is_open())
                co_return;
            if (ec)
                continue;
            if (all_chats_.size() >= max_chats) {
                std::error_code ignored;
                socket.close(ignored);
                continue;
            }
            auto chat =
                std::make_shared<Chat>(std::move(socket), core::Role::server,
                                       PeerSession(PeerSession::Role::callee, options_.name), options_.max_line);
            asio::co_spawn(context_, run_chat(chat, "direct from " + chat->stream.peer_string()), asio::detached);
        }
    }

    // Opens a chat with `buddy` at the address the index gave (unless one is open or opening).
    void call(const std::string& buddy)
    {
        want_.erase(buddy);
        if (chats_.contains(buddy) || calling_.contains(buddy))
            return;
        calling_.insert(buddy);
        asio::co_spawn(context_, dial(buddy, online_[buddy]), asio::detached);
    }

    core::awaitable<void> dial(std::string buddy, std::string address)
    {
        auto hp = core::parse_host_port(address);
        auto [ec, socket] = co_await core::connect_tcp(*hp, options_.timeout);
        if (ec) {
            calling_.erase(buddy);
            drop_queued(buddy, "cannot reach " + buddy + " at " + address + ": " + ec.message());
            co_return;
        }
        if (quitting_)
            co_return;
        auto chat =
            std::make_shared<Chat>(std::move(socket), core::Role::client,
                                   PeerSession(PeerSession::Role::caller, options_.name, buddy), options_.max_line);
        co_await run_chat(chat, "direct to " + buddy + " at " + address);
    }

    core::awaitable<void> run_chat(std::shared_ptr<Chat> chat, std::string how)
    {
        Live live(*this);
        all_chats_.insert(chat);
        core::Trace::instance().note(chat->stream.id(), "peer " + how + " (the index is not in this path)");
        chat->stream.set_timeout(options_.timeout);  // until the hello is done: a silent peer goes
        if (auto greeting = chat->session.greeting(); !greeting.empty())
            chat->outbox->push(std::move(greeting));
        if (quitting_)
            chat->outbox->close();
        co_await (read_chat(chat, how) && drain(chat->stream, *chat->outbox));
        all_chats_.erase(chat);
        co_await chat->stream.shutdown();
    }

    core::awaitable<void> read_chat(std::shared_ptr<Chat> chat, std::string how)
    {
        std::string why = "closed";
        for (bool open = true; open;) {
            const core::ReadLine line = co_await chat->reader.read_line(core::LineReader::Wait::for_command);
            if (line.status != core::ReadStatus::line && line.status != core::ReadStatus::too_long)
                break;
            PeerStep step = line.status == core::ReadStatus::line ? chat->session.on_line(line.text)
                                                                  : chat->session.on_line_too_long();
            if (!step.wire.empty())
                chat->outbox->push(std::move(step.wire));
            for (const auto& event : step.events)
                on_peer(chat, event, how);
            if (step.close) {
                if (!step.error.empty())
                    why = "dropped: " + step.error;
                open = false;
            }
        }
        chat->outbox->close();
        const std::string& buddy = chat->session.buddy();
        if (!chat->session.established())
            calling_.erase(buddy);  // a caller's dial ends here (what was typed meanwhile is dropped below)
        if (auto it = chats_.find(buddy); it != chats_.end() && it->second == chat) {
            chats_.erase(it);
            if (!quitting_)
                say("* chat with " + buddy + " " + why);
        } else if (!chat->session.established()) {
            drop_queued(buddy, "no chat with " + (buddy.empty() ? chat->stream.peer_string() : buddy) + ": " + why);
        }
    }

    void on_peer(const std::shared_ptr<Chat>& chat, const PeerEvent& event, const std::string& how)
    {
        const std::string& buddy = chat->session.buddy();
        switch (event.kind) {
        case PeerEvent::Kind::established: {
            chats_[buddy] = chat;
            calling_.erase(buddy);  // typed lines go straight to the chat from now on
            chat->stream.set_timeout(chat_timeout);
            say("* chat with " + buddy + " open (" + how + ")");
            if (current_.empty())
                current_ = buddy;
            if (auto it = queued_.find(buddy); it != queued_.end()) {
                for (const auto& text : it->second)
                    chat->outbox->push(chat->session.message(text));
                queued_.erase(it);
            }
            break;
        }
        case PeerEvent::Kind::message: say("<" + buddy + "> " + event.text); break;
        case PeerEvent::Kind::bye: break;
        }
    }

    void drop_queued(const std::string& buddy, const std::string& why)
    {
        const auto it = queued_.find(buddy);
        const std::size_t n = it == queued_.end() ? 0 : it->second.size();
        if (it != queued_.end())
            queued_.erase(it);
        if (!quitting_)
            say("* " + why + (n ? " (" + std::to_string(n) + " message" + (n == 1 ? "" : "s") + " not sent)" : ""));
    }

    // --- what the user types -------------------------------------------------------------------
    core::awaitable<void> input_loop()
    {
        while (!quitting_) {
            auto line = co_await input_.next_line();
            if (!line)
                break;
            typed(*line);
        }
        quit();
    }

    void typed(const std::string& line)
    {
        if (line.empty())
            return;
        if (!line.starts_with('/')) {
            send(line);
            return;
        }
        const Command command = split_command(line);
        if (command.verb == "/QUIT") {
            quit();
        } else if (command.verb == "/WHO") {
            if (index_out_)
                index_out_->push(index_.who());
            else
                say("* the index is gone; buddies last seen online: " + known_online());
        } else if (command.verb == "/CHAT") {
            const auto args = words(command.args);
            auto buddy = args.size() == 1 ? canonical_name(args[0]) : std::nullopt;
            if (!buddy) {
                say("* usage: /chat BUDDY");
                return;
            }
            open_chat(*buddy);
        } else if (command.verb == "/HELP") {
            say("* /chat BUDDY  open a direct chat (lines you type then go to BUDDY)\n"
                "* /who         who is online\n"
                "* /quit        leave (the end of input too)");
        } else {
            say("* unknown command " + line.substr(0, 40) + "; /help lists them");
        }
    }

    void open_chat(const std::string& buddy)
    {
        if (buddy == options_.name) {
            say("* that is you");
            return;
        }
        current_ = buddy;
        if (chats_.contains(buddy)) {
            say("* chatting with " + buddy);
            return;
        }
        if (calling_.contains(buddy) || want_.contains(buddy))
            return;
        if (online_.contains(buddy)) {
            call(buddy);
        } else if (index_out_) {
            want_.insert(buddy);
            index_out_->push(index_.lookup(buddy));
        } else {
            say("* " + buddy + "'s address is unknown and the index is gone");
        }
    }

    void send(const std::string& text)
    {
        if (current_.empty()) {
            say("* no chat open: /chat BUDDY first");
            return;
        }
        if (text.size() + 6 > options_.max_line) {
            say("* too long: a message is at most " + std::to_string(options_.max_line - 6) + " bytes");
            return;
        }
        if (auto it = chats_.find(current_); it != chats_.end()) {
            it->second->outbox->push(it->second->session.message(text));
        } else if (calling_.contains(current_) || want_.contains(current_)) {
            queued_[current_].push_back(text);  // goes out once the chat is open
        } else {
            say("* no chat with " + current_ + ": /chat " + current_ + " to open one");
        }
    }

    std::string known_online() const
    {
        std::string out;
        for (const auto& [name, address] : online_)
            out += (out.empty() ? "" : ", ") + name + " (" + address + ")";
        return out.empty() ? "none" : out;
    }

    // --- the end -------------------------------------------------------------------------------
    void quit()
    {
        if (quitting_)
            return;
        quitting_ = true;
        if (index_out_) {
            index_out_->push(index_.quit());
            index_out_->close();
        }
        for (const auto& chat : all_chats_) {
            if (chat->session.established())
                chat->outbox->push(peer_bye());
            chat->outbox->close();
        }
        std::error_code ignored;
        acceptor_.close(ignored);
        ping_timer_.cancel();
        input_.close();
        // Connections end once their last words are out; one that cannot take them is cut (its
        // coroutine then ends too, so that nothing outlives the client).
        guard_.expires_after(quit_grace);
        guard_.async_wait([this](std::error_code ec) {
            if (ec)
                return;
            std::error_code ignored;
            for (const auto& chat : all_chats_)
                chat->stream.socket().close(ignored);
            if (index_stream_)
                index_stream_->socket().close(ignored);
        });
        if (live_ == 0)
            guard_.cancel();
    }

    // Counts the connections running; the last to end after quit() lets the process exit at once.
    struct Live {
        explicit Live(Client& c) : client(c) { ++client.live_; }
        ~Live()
        {
            if (--client.live_ == 0 && client.quitting_)
                client.guard_.cancel();
        }
        Client& client;
    };

    const ClientOptions& options_;
    asio::io_context& context_;
    asio::ip::tcp::acceptor acceptor_;
    Input input_;
    asio::steady_timer ping_timer_;
    asio::steady_timer guard_;
    IndexClient index_;
    std::shared_ptr<Outbox> index_out_;
    core::Stream* index_stream_ = nullptr;
    std::set<std::shared_ptr<Chat>> all_chats_;  // every peer connection, open or opening
    std::string my_address_;
    std::map<std::string, std::string> online_;               // buddy → peer address, as the index said
    std::map<std::string, std::shared_ptr<Chat>> chats_;      // open chats, by buddy
    std::set<std::string> calling_;                           // dialling
    std::set<std::string> want_;                              // looked up, to call when found
    std::map<std::string, std::vector<std::string>> queued_;  // typed before the chat was open
    std::string current_;                                     // where typed lines go
    int live_ = 0;
    bool quitting_ = false;
    int status_ = 0;
};

}  // namespace

int run_client(const ClientOptions& options)
{
    asio::io_context context;
    Client client(options, context);
    asio::co_spawn(context, client.run(), [](std::exception_ptr e) {
        if (e)
            std::rethrow_exception(e);
    });
    context.run();
    return client.status();
}

}  // namespace layer7::im
