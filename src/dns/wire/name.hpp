// Name: a domain name as uncompressed wire labels (RFC 1035 §3.1): max 63 octets a label, 255 in
// all. Keeps the case it was given; compares and hashes case-insensitively (RFC 4343).
#pragma once

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace layer7::dns {

enum class NameError { empty_label, label_too_long, name_too_long, bad_escape, bad_wire };

inline constexpr std::size_t max_label_length = 63;  // RFC 1035 §2.3.4
inline constexpr std::size_t max_name_length = 255;  // octets of wire form, root label included

class Name {
public:
    Name() : wire_(1, '\0') {}  // the root
    static Name root() { return {}; }
    // From uncompressed wire form ending in the root label; validated.
    static core::Result<Name, NameError> from_wire(std::string_view wire);
    // From labels, most specific first, without the root.
    static core::Result<Name, NameError> from_labels(std::span<const std::string_view> labels);
    // Presentation text (RFC 1035 §5.1: \DDD and \X escapes). "@" is the origin; a name without a
    // trailing dot is relative and gets the origin appended.
    static core::Result<Name, NameError> parse(std::string_view text, const Name& origin = Name());

    std::string to_text() const;  // absolute, trailing dot, escaped
    std::string_view wire() const { return wire_; }
    std::size_t wire_size() const { return wire_.size(); }
    std::size_t label_count() const;  // root label not counted
    std::vector<std::string_view> labels() const;
    std::string_view first_label() const;  // empty for the root
    bool is_root() const { return wire_.size() == 1; }
    bool is_wildcard() const { return wire_.size() > 2 && wire_[0] == 1 && wire_[1] == '*'; }

    Name parent() const;                         // the root is its own parent
    Name suffix(std::size_t label_count) const;  // the last label_count labels
    core::Result<Name, NameError> prepend(std::string_view label) const;
    bool is_subdomain_of(const Name& ancestor) const;  // equal or below, ignoring case
    std::size_t hash() const;                          // of the lowercase form

    friend bool operator==(const Name& a, const Name& b);
    // RFC 4034 §6.1 canonical order: <0, 0, >0.
    friend int canonical_compare(const Name& a, const Name& b);

private:
    explicit Name(std::string wire) : wire_(std::move(wire)) {}
    std::string wire_;
};

struct NameHash {
    std::size_t operator()(const Name& n) const { return n.hash(); }
};
struct CanonicalLess {
    bool operator()(const Name& a, const Name& b) const { return canonical_compare(a, b) < 0; }
};

std::ostream& operator<<(std::ostream& out, const Name& name);
std::string_view to_string(NameError e);

}  // namespace layer7::dns
