// Submission: see submit.hpp.
#include "mail/smtp/submit.hpp"

#include <iostream>

#include "core/net/resolve.hpp"
#include "core/net/tls.hpp"
#include "mail/smtp/client.hpp"

namespace layer7::mail::smtp {
namespace {

std::string one_line(const Reply& reply)
{
    std::string text = std::to_string(reply.code) + " " + reply.text;
    for (char& c : text)
        if (c == '\n')
            c = ' ';
    return text;
}

}  // namespace

int submit(const SubmitOptions& options, const Outgoing& message)
{
    asio::io_context context;
    std::shared_ptr<asio::ssl::context> tls;
    if (options.client.tls != TlsPolicy::never) {
        try {
            tls = core::make_client_tls(options.ca_file, options.insecure);
        } catch (const std::exception& e) {
            std::cerr << "layer7: TLS: " << e.what() << "\n";
            return 1;
        }
    }
    ClientSession session(options.client, message);
    int status = 1;
    asio::co_spawn(
        context,
        [&]() -> core::awaitable<void> {
            auto [ec, socket] = co_await core::connect_tcp(options.server, options.timeout);
            if (ec) {
                std::cerr << "layer7: cannot connect to " << core::to_string(options.server) << ": " << ec.message()
                          << "\n";
                co_return;
            }
            core::Stream stream(std::move(socket), core::Role::client);
            stream.set_timeout(options.timeout);
            const ClientRun run = co_await run_client(stream, session, tls.get(), options.server.host);
            const bool silent = stream.timed_out();  // before shutdown() arms the stream again
            co_await stream.shutdown();
            if (run.tls_failed)
                std::cerr << "layer7: the TLS handshake failed (self-signed server? try --tls-ca FILE or --insecure)\n";
            if (run.protocol_error)
                std::cerr << "layer7: the server broke the protocol\n";
            // A recipient the broken connection decided gets no reply code: the server never sent one.
            const std::string lost = std::string(silent ? "the server went silent; " : "") + "lost the connection to " +
                                     core::to_string(options.server) + " before it replied";
            bool all = !session.results().empty();
            for (std::size_t i = 0; i < session.results().size(); ++i) {
                const RecipientResult& r = session.results()[i];
                if (r.verdict == Verdict::sent)
                    std::cout << "<" << message.rcpt_to[i] << ">: " << one_line(r.reply) << "\n";
                else {
                    all = false;
                    std::cerr << "<" << message.rcpt_to[i]
                              << ">: not sent: " << (r.connection_lost ? lost : one_line(r.reply)) << "\n";
                }
            }
            status = all ? 0 : 1;
        },
        asio::detached);
    context.run();
    return status;
}

}  // namespace layer7::mail::smtp
