// Fields: an ordered header or trailer section (RFC 9110 §5) with case-insensitive lookup.
// All names and values live in one string so a reused Fields allocates nothing in steady state.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::http {

struct Field {
    std::string_view name;
    std::string_view value;
};

class Fields {
public:
    // Appends a field line (kept in order; duplicates allowed). Views stay valid until the next mutation.
    void add(std::string_view name, std::string_view value);
    // The same for a line known to be valid (a token name; a value of visible characters without
    // surrounding whitespace: constants, dates and numbers we formatted), which serializers do not
    // check again. Debug builds check it here.
    void add_valid(std::string_view name, std::string_view value);
    // Whether line `i` came from add_valid.
    bool known_valid(std::size_t i) const { return slots_[i].known_valid; }
    // Replaces every line named `name` with one line.
    void set(std::string_view name, std::string_view value);
    // Removes every line named `name`; returns how many.
    std::size_t erase(std::string_view name);
    void clear();

    // First value of `name`.
    std::optional<std::string_view> get(std::string_view name) const;
    bool contains(std::string_view name) const { return get(name).has_value(); }
    std::size_t count(std::string_view name) const;
    // All lines of `name` joined by ", " (RFC 9110 §5.3); empty if absent.
    std::string combined(std::string_view name) const;
    // Whether the list-valued field holds `token` (case-insensitive), e.g. `Connection: close, Upgrade`.
    bool list_contains(std::string_view name, std::string_view token) const;

    std::size_t size() const { return slots_.size(); }
    bool empty() const { return slots_.empty(); }
    Field operator[](std::size_t i) const;
    // Bytes used by names and values (for size checks).
    std::size_t storage_bytes() const { return data_.size(); }
    // Heap bytes held, used or not (for keeping storage to reuse).
    std::size_t capacity_bytes() const
    {
        return (data_.capacity() > std::string().capacity() ? data_.capacity() : 0) + slots_.capacity() * sizeof(Slot);
    }

    class Iterator {
    public:
        Iterator(const Fields* f, std::size_t i) : f_(f), i_(i) {}
        Field operator*() const { return (*f_)[i_]; }
        Iterator& operator++()
        {
            ++i_;
            return *this;
        }
        bool operator==(const Iterator& o) const { return i_ == o.i_; }

    private:
        const Fields* f_;
        std::size_t i_;
    };
    Iterator begin() const { return {this, 0}; }
    Iterator end() const { return {this, slots_.size()}; }

    friend bool operator==(const Fields& a, const Fields& b);

private:
    struct Slot {
        std::uint32_t name_at, name_len, value_at, value_len;
        bool known_valid;
    };
    std::string_view name_of(const Slot& s) const { return {data_.data() + s.name_at, s.name_len}; }
    std::string_view value_of(const Slot& s) const { return {data_.data() + s.value_at, s.value_len}; }

    std::string data_;
    std::vector<Slot> slots_;
};

}  // namespace layer7::http
