// The home page of the demo site (`/` under `layer7 up`): what runs, where, and how to try each,
// rendered from the very rows `up` prints (core::ServiceRow), so the page and the table never
// disagree and a service added later shows up on both. Everything else goes to the site's files.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "core/service.hpp"
#include "http/server/handler.hpp"

namespace layer7::http {

struct PageLink {
    std::string title;  // "A form (POST to /echo)"
    std::string href;   // "/form.html"
};

// The page: the services table (a row's link opens its page) and the site's own pages. Pure.
std::string render_home_page(const std::vector<core::ServiceRow>& rows, const std::vector<PageLink>& pages);

class HomePage final : public Handler {
public:
    // `site` answers every path but "/".
    HomePage(std::shared_ptr<Handler> site, std::vector<PageLink> pages);
    // Called once every service has started; until then "/" says the services are starting.
    void set_rows(const std::vector<core::ServiceRow>& rows);

    core::awaitable<Outcome> handle(Exchange& exchange) override;
    std::optional<Reply> handle_now(const Request& request, const RequestContext& context) override;

private:
    Reply page(const Request& request) const;

    std::shared_ptr<Handler> site_;
    std::vector<PageLink> pages_;
    mutable std::mutex mutex_;
    std::shared_ptr<const std::string> html_;
};

}  // namespace layer7::http
