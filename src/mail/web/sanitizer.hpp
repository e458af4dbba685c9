// The HTML sanitiser for message bodies shown in web mail (pure). Mail HTML is hostile: it is
// re-tokenised and re-written from an allow-list, never patched. Out go scripts, styles, frames,
// forms, event handlers, `style`/`class`/`id` attributes and every URL scheme but http, https and
// mailto in links; remote images are blocked unless the reader allows them (tracking pixels), cid:
// images are pointed at the message's own parts. Tags are balanced, so a message cannot close the
// page's containers or leave one open.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::mail::web {

struct SanitizeOptions {
    bool allow_remote_images = false;
    // cid:ID → the URL serving that inline part; nullopt drops the image.
    std::function<std::optional<std::string>(std::string_view content_id)> cid_url;
    std::size_t max_input = 4u << 20;  // bytes looked at; the rest is dropped
    std::size_t max_depth = 128;       // open elements; deeper tags are dropped, their text kept
};

struct Sanitized {
    std::string html;
    std::size_t blocked_images = 0;  // remote images left out (offer "show remote content")
};

Sanitized sanitize_html(std::string_view html, const SanitizeOptions& options = {});

}  // namespace layer7::mail::web
