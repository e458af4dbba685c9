// A service's listeners at start-up: Runtime::listen_tcp / listen_udp on the configured address,
// where a failure stops the start with the one line every service gives
// ("ftp: cannot listen on 127.0.0.1:2121: Address already in use").
#pragma once

#include <cstdint>
#include <string_view>
#include <system_error>
#include <utility>

#include "core/net/resolve.hpp"
#include "core/runtime/runtime.hpp"

namespace layer7::core {

// `listen` with the port it got (the kernel's choice when 0 was asked); throws StartError
// "<service>: cannot listen on <listen>[ (<kind>)]: <reason>" when `ec` is an error.
HostPort bound_or_throw(std::error_code ec, std::uint16_t port, std::string_view service, const HostPort& listen,
                        std::string_view kind);

// Opens `listen` (an address literal, as the config checked) on every worker; returns it with its
// bound port. `kind` tells a service's listeners apart in the error ("tcp", "tls"; empty: none).
template <class Handler>
HostPort listen_tcp_or_throw(Runtime& runtime, std::string_view service, const HostPort& listen,
                             const Admission& admission, Handler&& handler, FirstSpeaker first = FirstSpeaker::server,
                             std::string_view kind = {})
{
    auto [ec, bound] = runtime.listen_tcp(*tcp_endpoint(listen), admission, std::forward<Handler>(handler), first);
    return bound_or_throw(ec, bound.port(), service, listen, kind);
}

// The same for UDP (see Runtime::listen_udp for `spread_by_first_word`).
HostPort listen_udp_or_throw(Runtime& runtime, std::string_view service, const HostPort& listen, UdpLoop loop,
                             std::string_view kind = {}, bool spread_by_first_word = false);
// And for a loop on threads of its own (Runtime::listen_udp_on_threads).
HostPort listen_udp_on_threads_or_throw(Runtime& runtime, std::string_view service, const HostPort& listen,
                                        UdpThreadLoop loop, std::string_view kind = {},
                                        bool spread_by_first_word = false);

}  // namespace layer7::core
