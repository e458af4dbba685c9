// FilesHandler: a Site (a document root) as a handler. GET/HEAD/DELETE answer at once (the fast
// path); PUT reads its body first and writes it on the runtime's blocking pool. Mounted under a
// prefix, the prefix is taken off the path before the file is looked up and put back on the
// Location of redirects and created resources.
#pragma once

#include <memory>

#include "http/server/handler.hpp"
#include "http/server/site.hpp"

namespace layer7::http {

class FilesHandler final : public Handler {
public:
    // `max_body`: the largest PUT (the service's max_message).
    FilesHandler(std::shared_ptr<Site> site, std::size_t max_body) : site_(std::move(site)), max_body_(max_body) {}

    core::awaitable<Outcome> handle(Exchange& exchange) override;
    std::optional<Reply> handle_now(const Request& request, const RequestContext& context) override;

private:
    std::string_view allow() const;
    std::string_view site_path(const RequestContext& context) const;
    Reply outside(Reply reply, const RequestContext& context) const;

    std::shared_ptr<Site> site_;
    std::size_t max_body_;
};

}  // namespace layer7::http
