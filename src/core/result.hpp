// Result<T, E>: a value or an error, the small subset of std::expected (C++23) that layer7 needs.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace layer7::core {

template <class E>
struct Error {
    E value;
};
template <class E>
Error(E) -> Error<E>;

// Wraps an error for construction of a Result: `return core::fail(DecodeError::short_header);`
template <class E>
Error<std::decay_t<E>> fail(E&& e)
{
    return {std::forward<E>(e)};
}

template <class T, class E>
class [[nodiscard]] Result {
public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    template <class U>
    Result(Error<U> error) : v_(std::in_place_index<1>, E(std::move(error.value)))
    {
    }

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() &
    {
        assert(ok());
        return std::get<0>(v_);
    }
    const T& value() const&
    {
        assert(ok());
        return std::get<0>(v_);
    }
    T&& value() &&
    {
        assert(ok());
        return std::get<0>(std::move(v_));
    }
    const E& error() const
    {
        assert(!ok());
        return std::get<1>(v_);
    }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

private:
    std::variant<T, E> v_;
};

}  // namespace layer7::core
