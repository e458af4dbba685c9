// Request methods (RFC 9110 §9, PATCH from RFC 5789) plus extension tokens.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace layer7::http {

enum class MethodId : std::uint8_t { get, head, post, put, delete_, options, trace, connect, patch, extension };

class Method {
public:
    Method(MethodId id = MethodId::get) : id_(id) {}
    // A method token; standard names are case-sensitive (RFC 9110 §9.1), others become extensions.
    static std::optional<Method> parse(std::string_view token);

    MethodId id() const { return id_; }
    std::string_view name() const;
    bool is_safe() const;        // RFC 9110 §9.2.1
    bool is_idempotent() const;  // RFC 9110 §9.2.2

    friend bool operator==(const Method& a, const Method& b) { return a.id_ == b.id_ && a.ext_ == b.ext_; }
    friend bool operator==(const Method& a, MethodId b) { return a.id_ == b; }

private:
    MethodId id_;
    std::string ext_;  // only for MethodId::extension
};

}  // namespace layer7::http
