// Entity tags (RFC 9110 §8.8.3) and the If-Match / If-None-Match lists (§13.1.1, §13.1.2).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http {

struct EntityTag {
    bool weak = false;
    std::string opaque;  // between the quotes
    friend bool operator==(const EntityTag&, const EntityTag&) = default;
};

// `"xyzzy"` or `W/"xyzzy"`; surrounding OWS allowed.
std::optional<EntityTag> parse_etag(std::string_view s);
// The field value: W/"…" or "…".
std::string to_string(const EntityTag& tag);
// §8.8.3.2: strong comparison needs both strong and equal opaque tags; weak ignores W/.
bool strong_match(const EntityTag& a, const EntityTag& b);
bool weak_match(const EntityTag& a, const EntityTag& b);

// "*" or a list of entity-tags.
struct EtagList {
    bool any = false;
    std::vector<EntityTag> tags;
};
// Parses an If-Match / If-None-Match value (combined lines); nullopt if malformed.
std::optional<EtagList> parse_etag_list(std::string_view s);
// If-Match evaluates with strong comparison (§13.1.1), If-None-Match with weak (§13.1.2).
bool if_match_passes(const EtagList& list, const std::optional<EntityTag>& current);
bool if_none_match_passes(const EtagList& list, const std::optional<EntityTag>& current);

}  // namespace layer7::http
