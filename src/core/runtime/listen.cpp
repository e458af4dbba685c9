// Start-up listeners: see listen.hpp.
#include "core/runtime/listen.hpp"

#include <string>

#include "core/service.hpp"

namespace layer7::core {

HostPort bound_or_throw(std::error_code ec, std::uint16_t port, std::string_view service, const HostPort& listen,
                        std::string_view kind)
{
    if (ec) {
        std::string how = kind.empty() ? "" : " (" + std::string(kind) + ")";
        throw StartError(std::string(service) + ": cannot listen on " + to_string(listen) + how + ": " + ec.message());
    }
    return {listen.host, port};
}

HostPort listen_udp_or_throw(Runtime& runtime, std::string_view service, const HostPort& listen, UdpLoop loop,
                             std::string_view kind, bool spread_by_first_word)
{
    auto [ec, bound] = runtime.listen_udp(*udp_endpoint(listen), std::move(loop), spread_by_first_word);
    return bound_or_throw(ec, bound.port(), service, listen, kind);
}

HostPort listen_udp_on_threads_or_throw(Runtime& runtime, std::string_view service, const HostPort& listen,
                                        UdpThreadLoop loop, std::string_view kind, bool spread_by_first_word)
{
    auto [ec, bound] = runtime.listen_udp_on_threads(*udp_endpoint(listen), std::move(loop), spread_by_first_word);
    return bound_or_throw(ec, bound.port(), service, listen, kind);
}

}  // namespace layer7::core
