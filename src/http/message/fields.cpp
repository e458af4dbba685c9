// Fields storage and lookup (RFC 9110 §5.2, §5.3: order of same-named lines is significant).
#include "http/message/fields.hpp"

#include "http/message/token.hpp"

#include <cassert>

namespace layer7::http {

void Fields::add_valid(std::string_view name, std::string_view value)
{
    assert(is_token(name) && is_field_value(value) && trim_ows(value).size() == value.size());
    add(name, value);
    slots_.back().known_valid = true;
}

void Fields::add(std::string_view name, std::string_view value)
{
    if (slots_.empty()) {
        // A typical head has about ten fields in a few hundred bytes: two allocations up front
        // instead of ten growth steps per message (no-ops when cleared storage is reused).
        data_.reserve(384);
        slots_.reserve(16);
    }
    Slot s{};
    s.name_at = static_cast<std::uint32_t>(data_.size());
    s.name_len = static_cast<std::uint32_t>(name.size());
    data_.append(name);
    s.value_at = static_cast<std::uint32_t>(data_.size());
    s.value_len = static_cast<std::uint32_t>(value.size());
    data_.append(value);
    slots_.push_back(s);
}

void Fields::set(std::string_view name, std::string_view value)
{
    // `value` may point into data_: copy before erase() can move bytes.
    std::string v(value), n(name);
    erase(n);
    add(n, v);
}

std::size_t Fields::erase(std::string_view name)
{
    if (count(name) == 0)
        return 0;  // common case for set(): nothing to rebuild
    std::size_t removed = 0;
    std::vector<Slot> kept;
    std::string data;
    for (const Slot& s : slots_) {
        if (iequals(name_of(s), name)) {
            ++removed;
            continue;
        }
        Slot n{static_cast<std::uint32_t>(data.size()), s.name_len, 0, s.value_len, s.known_valid};
        data.append(name_of(s));
        n.value_at = static_cast<std::uint32_t>(data.size());
        data.append(value_of(s));
        kept.push_back(n);
    }
    data_ = std::move(data);
    slots_ = std::move(kept);
    return removed;
}

void Fields::clear()
{
    data_.clear();
    slots_.clear();
}

std::optional<std::string_view> Fields::get(std::string_view name) const
{
    for (const Slot& s : slots_)
        if (iequals(name_of(s), name))
            return value_of(s);
    return std::nullopt;
}

std::size_t Fields::count(std::string_view name) const
{
    std::size_t n = 0;
    for (const Slot& s : slots_)
        n += iequals(name_of(s), name);
    return n;
}

std::string Fields::combined(std::string_view name) const
{
    std::string out;
    bool first = true;
    for (const Slot& s : slots_) {
        if (!iequals(name_of(s), name))
            continue;
        if (!first)
            out += ", ";
        out += value_of(s);
        first = false;
    }
    return out;
}

bool Fields::list_contains(std::string_view name, std::string_view token) const
{
    for (const Slot& s : slots_) {
        if (!iequals(name_of(s), name))
            continue;
        ListReader list(value_of(s));
        std::string_view element;
        while (list.next(element))
            if (iequals(element, token))
                return true;
    }
    return false;
}

Field Fields::operator[](std::size_t i) const
{
    return {name_of(slots_[i]), value_of(slots_[i])};
}

bool operator==(const Fields& a, const Fields& b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (!iequals(a[i].name, b[i].name) || a[i].value != b[i].value)
            return false;
    return true;
}

}  // namespace layer7::http
