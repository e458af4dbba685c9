// The DNS application interface: see handler.hpp.
#include "dns/transport/handler.hpp"

namespace layer7::dns {

// A handler that always answers at once never gets here.
core::awaitable<void> Handler::serve_later(const Query&, Reply&)
{
    co_return;
}

}  // namespace layer7::dns
