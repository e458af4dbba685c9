// Bencode (BEP 3): integers, byte strings, lists and dictionaries. The decoder is strict — one
// canonical encoding per value (no leading zeros, no -0, keys sorted and unique) — so that
// encode(decode(b)) == b and an info-hash never depends on which form a writer chose (pure).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/result.hpp"

namespace layer7::torrent {

struct DictEntry;

struct Value {
    using List = std::vector<Value>;
    using Dict = std::vector<DictEntry>;  // sorted by key (raw bytes), keys unique
    std::variant<std::int64_t, std::string, List, Dict> data;

    // Defined below DictEntry: a constructor destroys `data` on a throw, which needs it complete.
    Value();
    Value(std::int64_t i);
    Value(int i);
    Value(std::string s);
    Value(const char* s);
    Value(List l);
    Value(Dict d);

    const std::int64_t* integer() const { return std::get_if<std::int64_t>(&data); }
    const std::string* string() const { return std::get_if<std::string>(&data); }
    const List* list() const { return std::get_if<List>(&data); }
    const Dict* dict() const { return std::get_if<Dict>(&data); }
    // The value under `key` in a dictionary; nullptr when absent or not a dictionary.
    const Value* find(std::string_view key) const;
    bool operator==(const Value&) const;
};

struct DictEntry {
    std::string key;
    Value value;
    bool operator==(const DictEntry&) const = default;
};

inline Value::Value() : data(std::int64_t{0}) {}
inline Value::Value(std::int64_t i) : data(i) {}
inline Value::Value(int i) : data(std::int64_t{i}) {}
inline Value::Value(std::string s) : data(std::move(s)) {}
inline Value::Value(const char* s) : data(std::string(s)) {}
inline Value::Value(List l) : data(std::move(l)) {}
inline Value::Value(Dict d) : data(std::move(d)) {}

enum class BencodeError {
    truncated,              // input ends inside a value
    unexpected_byte,        // not i, l, d or a digit where a value starts
    bad_integer,            // i…e not a decimal integer
    non_canonical_integer,  // leading zero or -0
    integer_overflow,       // outside int64
    bad_length,             // string length prefix malformed or with a leading zero
    string_too_long,        // over BencodeLimits::max_string or past the end of the input
    too_deep,               // nesting over BencodeLimits::max_depth
    too_many_values,        // over BencodeLimits::max_values
    key_not_string,
    unsorted_keys,
    duplicate_key,
    trailing_bytes,  // bytes after the top-level value
};
std::string_view to_string(BencodeError e);

struct BencodeLimits {
    std::size_t max_depth = 64;          // nested lists/dicts; recursion depth is stack, so bound it
    std::size_t max_string = 16u << 20;  // one string: 16 MiB holds the pieces of a ~200 GiB torrent at 256 KiB
    std::size_t max_values = 1u << 20;   // values in one document: "le" is 2 bytes but a Value is ~50
};

// Decodes exactly one value filling `in`. Never allocates more than the input justifies.
core::Result<Value, BencodeError> decode(std::string_view in, const BencodeLimits& limits = {});

// Decodes one value at the start of `in`; `used` is how many bytes it took (the rest is not looked at).
core::Result<Value, BencodeError> decode_prefix(std::string_view in, std::size_t& used,
                                                const BencodeLimits& limits = {});

// The canonical encoding; dictionary keys are written in sorted order whatever order they are in.
std::string encode(const Value& value);

}  // namespace layer7::torrent
