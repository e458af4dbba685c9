// Request methods of RFC 9110 §9.
#include "http/message/method.hpp"

#include <array>

#include "http/message/token.hpp"

namespace layer7::http {

namespace {
constexpr std::array<std::string_view, 9> names = {"GET",     "HEAD",  "POST",    "PUT",  "DELETE",
                                                   "OPTIONS", "TRACE", "CONNECT", "PATCH"};
}

std::optional<Method> Method::parse(std::string_view token)
{
    if (!is_token(token))
        return std::nullopt;
    for (std::size_t i = 0; i < names.size(); ++i)
        if (names[i] == token)
            return Method(static_cast<MethodId>(i));
    Method m(MethodId::extension);
    m.ext_ = token;
    return m;
}

std::string_view Method::name() const
{
    return id_ == MethodId::extension ? std::string_view(ext_) : names[static_cast<std::size_t>(id_)];
}

bool Method::is_safe() const
{
    return id_ == MethodId::get || id_ == MethodId::head || id_ == MethodId::options || id_ == MethodId::trace;
}

bool Method::is_idempotent() const
{
    return is_safe() || id_ == MethodId::put || id_ == MethodId::delete_;
}

}  // namespace layer7::http
