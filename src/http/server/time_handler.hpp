// TimeHandler: GET /time → the server's clock as JSON. The smallest complete handler, meant to be
// copied: it answers on the fast path, says which methods it takes, and never reads a body.
#pragma once

#include "http/server/handler.hpp"

namespace layer7::http {

class TimeHandler final : public Handler {
public:
    core::awaitable<Outcome> handle(Exchange& exchange) override;
    std::optional<Reply> handle_now(const Request& request, const RequestContext& context) override;
};

}  // namespace layer7::http
